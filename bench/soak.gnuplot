# Draws a soak run's soak.csv (bench/run-soak) as one PNG with three panels sharing the time axis:
# memory (resident per process, summed; Java heap in use, summed), delivery ratios, latency p50/p99.
#   gnuplot -e "csv='soak-out/soak.csv'; png='soak-out/soak.png'" bench/soak.gnuplot
set datafile separator ","
set datafile missing ""
set terminal pngcairo size 1200,1100 font "sans,11" noenhanced
set output png
set key outside right top
set grid
set xlabel "minutes"
stats csv using 1 nooutput
ncols = STATS_columns
# columns: t_s, rss_total_mb, rss per node (n), heap per node (n), then 8 fixed columns
n = (ncols - 2 - 8) / 2
heap(c) = sum [i=0:n-1] (valid(3 + n + i) ? column(3 + n + i) : 0)
set multiplot layout 3,1 title "p2p-node soak run"
set ylabel "MiB"
set title "memory: resident set of all node processes, Java heap in use of all nodes"
plot csv using ($1/60):2 skip 1 with lines lw 2 title "RSS, all processes", \
     csv using ($1/60):(sum [i=0:n-1] (valid(3 + n + i) ? column(3 + n + i) : 0)) skip 1 with lines lw 2 title "heap in use, all"
set title "delivery ratio per window (main topic)"
set ylabel "ratio"
set yrange [0:1.05]
plot csv using ($1/60):(column(ncols-6)) skip 1 with linespoints pt 7 ps 0.4 title "regular nodes", \
     csv using ($1/60):(column(ncols-3)) skip 1 with linespoints pt 7 ps 0.4 title "slow node", \
     csv using ($1/60):(column(ncols-2)) skip 1 with linespoints pt 6 ps 0.4 title "churning node (when up)"
set autoscale y
set title "publish-to-delivery latency at the regular nodes (main topic)"
set ylabel "ms"
set logscale y
plot csv using ($1/60):(column(ncols-5)) skip 1 with lines lw 2 title "p50", \
     csv using ($1/60):(column(ncols-4)) skip 1 with lines lw 2 title "p99"
unset multiplot
