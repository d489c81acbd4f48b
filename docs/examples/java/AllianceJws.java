import java.nio.charset.StandardCharsets;
import java.security.*;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

final class AllianceJws {
    static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    static final Base64.Decoder UNB64 = Base64.getUrlDecoder();   // accepts '=' and non-zero unused bits: see b64
    static final Pattern B64URL = Pattern.compile("[A-Za-z0-9_-]+");
    // DER prefixes that wrap a raw 32-byte Ed25519 key (RFC 8410).
    static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

    /** Canonical base64url only (§3.1): the alphabet, no padding, and re-encoding gives the same text. */
    static byte[] b64(String s) {
        if (!B64URL.matcher(s).matches()) throw new IllegalArgumentException("not base64url");
        byte[] raw = UNB64.decode(s);
        if (!B64.encodeToString(raw).equals(s)) throw new IllegalArgumentException("not canonical base64url");
        return raw;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static PublicKey publicKey(String x) throws GeneralSecurityException {       // the JWK's "x"
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(concat(SPKI_PREFIX, b64(x))));
    }

    static PrivateKey privateKey(String d) throws GeneralSecurityException {     // the JWK's "d" (32-byte seed)
        return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(concat(PKCS8_PREFIX, b64(d))));
    }

    static String sign(byte[] body, String kid, PrivateKey key) throws GeneralSecurityException {
        String protectedJson = "{\"alg\":\"EdDSA\",\"kid\":\"" + kid + "\",\"b64\":false,\"crit\":[\"b64\"]}";
        String p = B64.encodeToString(protectedJson.getBytes(StandardCharsets.UTF_8));
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(key);
        s.update((p + ".").getBytes(StandardCharsets.US_ASCII));
        s.update(body);                                       // the raw body bytes, NOT base64url(body)
        return p + ".." + B64.encodeToString(s.sign());
    }

    /**
     * The form of §3.1: returns {protected part, signature bytes}, or null (bad-signature-header).
     * The decoded protected header must then be held to §3.2 with a JSON parser set as §5.2 says.
     */
    static Object[] parseSignatureHeader(String value) {
        String[] parts = value.split("\\.", -1);              // -1 keeps the empty middle part
        if (parts.length != 3 || !parts[1].isEmpty() || parts[0].length() > 512 || parts[2].length() != 86) return null;
        try {
            b64(parts[0]);
            return new Object[] {parts[0], b64(parts[2])};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Check 5, on the parts parseSignatureHeader returned. */
    static boolean verify(byte[] body, String protectedPart, byte[] signature, PublicKey key) throws GeneralSecurityException {
        Signature v = Signature.getInstance("Ed25519");
        v.initVerify(key);
        v.update((protectedPart + ".").getBytes(StandardCharsets.US_ASCII));
        v.update(body);
        return v.verify(signature);
    }
}
