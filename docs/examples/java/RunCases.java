import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Base64;

/**
 * Runs AllianceJws over a cases file (see test/unit/protocol-examples.test.ts): checks 1, 2 (the
 * form of §3.1 only) and 5 with the one directory key. Input lines, tab-separated: `directory <kid>
 * <x>`, `sign <name> <d> <kid> <body, base64>` or `case <name> <header, base64 or -> <body, base64>`;
 * output `<name>\t<header value>` per sign line, `<name>\t<reason>` (or `pass`) per case.
 */
final class RunCases {
    public static void main(String[] args) throws Exception {
        PublicKey key = null;
        for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.US_ASCII)) {
            String[] f = line.split("\t", -1);
            if (f[0].equals("directory")) {
                key = AllianceJws.publicKey(f[2]);
                continue;
            }
            if (f[0].equals("sign")) {
                System.out.println(f[1] + "\t" + AllianceJws.sign(Base64.getDecoder().decode(f[4]), f[3], AllianceJws.privateKey(f[2])));
                continue;
            }
            byte[] body = Base64.getDecoder().decode(f[3]);
            String header = f[2].equals("-") ? "" : new String(Base64.getDecoder().decode(f[2]), StandardCharsets.UTF_8);
            String verdict;
            if (body.length > 262144) verdict = "oversize";
            else if (header.isEmpty()) verdict = "unsigned";
            else {
                Object[] parsed = AllianceJws.parseSignatureHeader(header);
                if (parsed == null) verdict = "bad-signature-header";
                else verdict = AllianceJws.verify(body, (String) parsed[0], (byte[]) parsed[1], key) ? "pass" : "bad-signature";
            }
            System.out.println(f[1] + "\t" + verdict);
        }
    }
}
