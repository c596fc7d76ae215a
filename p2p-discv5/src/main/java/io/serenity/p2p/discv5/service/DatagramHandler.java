package io.serenity.p2p.discv5.service;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.util.function.BiConsumer;
import java.net.InetSocketAddress;

/** Copies each received datagram out of Netty's buffer and hands it on, on the event loop. */
final class DatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {

  private final BiConsumer<byte[], InetSocketAddress> sink;

  DatagramHandler(BiConsumer<byte[], InetSocketAddress> sink) {
    this.sink = sink;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    sink.accept(ByteBufUtil.getBytes(packet.content()), packet.sender());
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // a UDP socket error (e.g. ICMP port unreachable) concerns one datagram, not the channel
  }
}
