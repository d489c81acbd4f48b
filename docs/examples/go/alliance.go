package alliance

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Strict: the unused low bits of the last character must be zero (§3.1). The alphabet is checked
// first because the decoder also skips '\r' and '\n'.
var b64 = base64.RawURLEncoding.Strict()
var b64Chars = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
var kidPattern = regexp.MustCompile(`^(?:[a-z]{2}|sec):[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Reject carries the reason code of §5 (Appendix B).
type Reject struct{ Reason, Detail string }

func (r *Reject) Error() string { return r.Reason + ": " + r.Detail }

func reject(reason, detail string) error { return &Reject{reason, detail} }

// Sign returns the Alliance-Signature header value for body.
// priv = ed25519.NewKeyFromSeed(seed), seed = the JWK's "d", base64url-decoded.
func Sign(body []byte, kid string, priv ed25519.PrivateKey) string {
	protected := `{"alg":"EdDSA","kid":"` + kid + `","b64":false,"crit":["b64"]}` // kid matches kidPattern: nothing to escape
	p := b64.EncodeToString([]byte(protected))
	input := make([]byte, 0, len(p)+1+len(body))
	input = append(input, p...)
	input = append(input, '.')
	input = append(input, body...) // the raw body bytes, NOT base64url(body)
	return p + ".." + b64.EncodeToString(ed25519.Sign(priv, input))
}

func decodeB64(s string) ([]byte, error) {
	if !b64Chars.MatchString(s) {
		return nil, errors.New("not base64url")
	}
	return b64.DecodeString(s)
}

// NestingExceeds is the byte scan of check 6.1: it runs before any JSON parser.
func NestingExceeds(data []byte, limit int) bool {
	depth, inString := 0, false
	for i := 0; i < len(data); i++ {
		switch b := data[i]; {
		case inString && b == '\\':
			i++
		case inString && b == '"':
			inString = false
		case inString:
		case b == '"':
			inString = true
		case b == '{' || b == '[':
			if depth++; depth > limit {
				return true
			}
		case b == '}' || b == ']':
			depth--
		}
	}
	return false
}

// ParseJSONSafely is check 6 up to the schema: every error it returns is `malformed`. encoding/json
// alone would replace invalid UTF-8, keep the last of two repeated members and accept "__proto__",
// so the document is walked token by token.
func ParseJSONSafely(data []byte, maxDepth int) (any, error) {
	if NestingExceeds(data, maxDepth) {
		return nil, errors.New("nested too deep")
	}
	if !utf8.Valid(data) {
		return nil, errors.New("not valid UTF-8")
	}
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		return nil, errors.New("starts with a byte-order mark")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // 1e999999 is a valid JSON number; float64 would refuse it
	value, err := walk(dec, false)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF { // one JSON text, then only whitespace
		return nil, errors.New("data after the JSON value")
	}
	return value, nil
}

// walk reads one value; inConstructor: it is the value of a member named "constructor".
func walk(dec *json.Decoder, inConstructor bool) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('['):
		list := []any{}
		for dec.More() {
			item, err := walk(dec, false)
			if err != nil {
				return nil, err
			}
			list = append(list, item)
		}
		_, err = dec.Token()
		return list, err
	case json.Delim('{'):
		obj := map[string]any{}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return nil, err
			}
			name := tok.(string) // unescaped: "\u005f_proto__" is "__proto__"
			if _, seen := obj[name]; seen {
				return nil, errors.New("member " + name + " appears twice")
			}
			if name == "__proto__" || (inConstructor && name == "prototype") {
				return nil, errors.New("forbidden prototype property")
			}
			if obj[name], err = walk(dec, name == "constructor"); err != nil {
				return nil, err
			}
		}
		_, err = dec.Token()
		return obj, err
	}
	return tok, nil
}

// ParseSignature is check 2: it returns the protected part as received, the signature and the kid.
func ParseSignature(value string) (p string, sig []byte, kid string, err error) {
	parts := strings.Split(value, ".")
	if len(parts) != 3 || parts[1] != "" {
		return "", nil, "", reject("bad-signature-header", "not <protected>..<signature>")
	}
	p, s := parts[0], parts[2]
	if len(p) > 512 || len(s) != 86 {
		return "", nil, "", reject("bad-signature-header", "wrong length")
	}
	raw, err1 := decodeB64(p)
	sig, err2 := decodeB64(s)
	if err1 != nil || err2 != nil {
		return "", nil, "", reject("bad-signature-header", "not canonical base64url")
	}
	decoded, err := ParseJSONSafely(raw, 2) // a repeated member is refused here too (D.2)
	h, isObject := decoded.(map[string]any)
	if err != nil || !isObject || len(h) != 4 {
		return "", nil, "", reject("bad-signature-header", "protected header must be exactly the four members")
	}
	kid, _ = h["kid"].(string)
	crit, _ := h["crit"].([]any)
	if h["alg"] != "EdDSA" || h["b64"] != false || len(crit) != 1 || crit[0] != "b64" || !kidPattern.MatchString(kid) {
		return "", nil, "", reject("bad-signature-header", "protected header must be exactly the four members")
	}
	return p, sig, kid, nil
}

// Verify is check 5, with pub = the directory's key for kid (the JWK's "x", base64url-decoded).
func Verify(body []byte, p string, sig []byte, pub ed25519.PublicKey) bool {
	input := append([]byte(p+"."), body...)
	return ed25519.Verify(pub, input, sig)
}

// Checks1To6 runs checks 1 to 6 up to the schema; directory maps kid to public key.
// Then: the JSON Schema of the event's type and the rules of §11 ("schema"), then checks 7 and 8.
func Checks1To6(body []byte, signature string, directory map[string]ed25519.PublicKey) (any, error) {
	if len(body) > 262144 {
		return nil, reject("oversize", "")
	}
	if signature == "" {
		return nil, reject("unsigned", "")
	}
	p, sig, kid, err := ParseSignature(signature)
	if err != nil {
		return nil, err
	}
	pub, known := directory[kid] // check 4 (revoked / inactive) asks the live directory
	if !known {
		return nil, reject("unknown-key", kid)
	}
	if !Verify(body, p, sig, pub) {
		return nil, reject("bad-signature", kid)
	}
	event, err := ParseJSONSafely(body, 32)
	if err != nil {
		return nil, reject("malformed", err.Error())
	}
	return event, nil
}
