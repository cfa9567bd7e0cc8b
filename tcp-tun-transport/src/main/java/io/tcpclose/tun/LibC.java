package io.tcpclose.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

/**
 * The few libc calls a TUN device needs, through JNA (JDK 17 has no FFM). Each throws
 * {@link LastErrorException} with errno when the call fails. Stateless; thread-safe.
 */
interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int O_RDWR = 2;
    int O_NONBLOCK = 0x800;
    int O_CLOEXEC = 0x80000;
    int F_GETFL = 3;
    int F_SETFL = 4;
    /** {@code _IOW('T', 202, int)}. */
    long TUNSETIFF = 0x400454caL;
    short IFF_TUN = 0x0001;
    short IFF_NO_PI = 0x1000;
    int EAGAIN = 11;
    int EINTR = 4;
    short POLLIN = 0x1;
    short POLLOUT = 0x4;
    int EFD_NONBLOCK = 0x800;
    int EFD_CLOEXEC = 0x80000;

    int open(String path, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int ioctl(int fd, NativeLong request, byte[] ifreq) throws LastErrorException;

    int fcntl(int fd, int cmd, int arg) throws LastErrorException;

    NativeLong read(int fd, byte[] buf, NativeLong count) throws LastErrorException;

    NativeLong write(int fd, byte[] buf, NativeLong count) throws LastErrorException;

    /** {@code struct pollfd[]} packed by hand: int fd, short events, short revents, 8 bytes each. */
    int poll(byte[] fds, NativeLong nfds, int timeoutMillis) throws LastErrorException;

    int eventfd(int initval, int flags) throws LastErrorException;

    int O_RDONLY = 0;
    int CLONE_NEWNET = 0x40000000;

    /** Moves the calling thread into the namespace {@code fd} refers to. */
    int setns(int fd, int nstype) throws LastErrorException;

    int AF_INET = 2;
    int SOCK_RAW = 3;
    int IPPROTO_RAW = 255;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    /** {@code addr} is a {@code struct sockaddr} packed by hand. */
    NativeLong sendto(int fd, byte[] buf, NativeLong len, int flags, byte[] addr, int addrLen) throws LastErrorException;
}
