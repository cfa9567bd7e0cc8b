package io.tcpclose.stack;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.net.InetAddress;
import java.security.SecureRandom;

/**
 * Chooses initial sequence numbers.
 *
 * <p>The default, {@link #rfc6528()}, follows RFC 6528 §3: ISN = M + F(4-tuple, secret), where
 * M is a clock ticking every 4 µs and F is SipHash-2-4 keyed by a secret drawn from
 * {@link SecureRandom} once per generator, so numbers are unpredictable to an off-path attacker
 * yet increase over time for a reused 4-tuple (which RFC 6191's TIME-WAIT reuse relies on).
 * Tests inject a fixed generator instead.
 *
 * <p>Implementations are called only from the driver's thread.
 */
@FunctionalInterface
public interface IsnGenerator {
    /**
     * The ISN for a connection with this identity, at {@code nowNanos}.
     *
     * @param id       the connection's 4-tuple
     * @param nowNanos the driver's clock reading
     * @return the initial sequence number
     */
    int isn(FourTuple id, long nowNanos);

    /**
     * The offset added to a connection's millisecond clock to make its TCP timestamps (RFC 7323
     * §5.4), when they are negotiated. It must not go backwards for a 4-tuple between
     * incarnations, or RFC 6191's TIME-WAIT reuse by timestamp would refuse a new connection.
     *
     * @param id the connection
     * @return the offset; 0 by default (timestamps are then the clock's milliseconds)
     */
    default int timestampOffset(FourTuple id) {
        return 0;
    }

    /** {@return an RFC 6528 generator with a fresh random secret; thread-safe} */
    static IsnGenerator rfc6528() {
        SecureRandom random = new SecureRandom();
        return rfc6528(random.nextLong(), random.nextLong());
    }

    /**
     * RFC 6528 with a given secret: reproducible, for tests and simulations. Thread-safe.
     *
     * @param k0 the first half of the 128-bit SipHash key
     * @param k1 the second half
     * @return the generator
     */
    static IsnGenerator rfc6528(long k0, long k1) {
        HashFunction f = Hashing.sipHash24(k0, k1);
        return new IsnGenerator() {
            @Override
            public int isn(FourTuple id, long nowNanos) {
                int m = (int) (nowNanos / 4_000); // RFC 6528 §3: M, a timer ticking every 4 microseconds
                return m + f.newHasher()
                        .putBytes(address(id.localAddress()))
                        .putInt(id.localPort())
                        .putBytes(address(id.remoteAddress()))
                        .putInt(id.remotePort())
                        .hash().asInt();
            }

            @Override
            public int timestampOffset(FourTuple id) {
                // RFC 7323 §5.4 / §7.1: keyed, per pair of hosts and stable in time (as Linux's
                // secure_tcp_ts_off), so that a new incarnation's TSvals follow the old one's.
                return f.newHasher().putInt(0x7473).putBytes(address(id.localAddress()))
                        .putBytes(address(id.remoteAddress())).hash().asInt();
            }
        };
    }

    /**
     * Always {@code iss}: for ladder-style tests with readable numbers.
     *
     * @param iss the initial sequence number every connection gets
     * @return the generator
     */
    static IsnGenerator fixed(int iss) {
        return (id, nowNanos) -> iss;
    }

    private static byte[] address(InetAddress a) {
        return a.getAddress();
    }
}
