# Draws bench/run-size-sweep's CSV: gossipsub throughput between two nodes by message size, Java and js,
# in MiB/s (top) and messages per second (bottom), both axes logarithmic.
#   gnuplot -e "csv='docs/size-sweep/size-sweep.csv'; png='docs/size-sweep/pubsub-throughput-by-size.png'" bench/size-sweep.gnuplot
set datafile separator ","
set datafile missing ""
set terminal pngcairo size 900,800 font "sans,11" noenhanced
set output png
set key top left
set grid
set logscale x 2
set logscale y
set xlabel "message size (bytes)"
set xtics ("256 B" 256, "1 KiB" 1024, "4 KiB" 4096, "16 KiB" 16384, "64 KiB" 65536, "256 KiB" 262144, "1 MiB" 1048576)
set multiplot layout 2,1 title "gossipsub, one hop: TCP + Noise + yamux, StrictNoSign, loopback"
set ylabel "MiB/s"
plot csv using 1:3 skip 1 with linespoints lw 2 pt 7 title "Java (serenity-p2p)", \
     csv using 1:5 skip 1 with linespoints lw 2 pt 5 title "js-libp2p"
set ylabel "messages/s"
plot csv using 1:2 skip 1 with linespoints lw 2 pt 7 title "Java (serenity-p2p)", \
     csv using 1:4 skip 1 with linespoints lw 2 pt 5 title "js-libp2p"
unset multiplot
