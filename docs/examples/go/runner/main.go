// Runs alliance.Checks1To6 over a cases file (see test/unit/protocol-examples.test.ts): input lines
// `directory <kid> <x>`, `sign <name> <d> <kid> <body, base64>` or `case <name> <header, base64 or
// -> <body, base64>`, tab-separated; output `<name>\t<header value>` per sign line, `<name>\t<reason>`
// per case, `pass` when checks 1 to 6 (before the schema) pass.
package main

import (
	"bufio"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"

	"example.org/alliance"
)

func main() {
	file, err := os.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	directory := map[string]ed25519.PublicKey{}
	lines := bufio.NewScanner(file)
	lines.Buffer(make([]byte, 1<<20), 1<<22)
	for lines.Scan() {
		f := strings.Split(lines.Text(), "\t")
		if f[0] == "directory" {
			x, _ := base64.RawURLEncoding.DecodeString(f[2])
			directory[f[1]] = ed25519.PublicKey(x)
			continue
		}
		if f[0] == "sign" {
			seed, _ := base64.RawURLEncoding.DecodeString(f[2])
			body, _ := base64.StdEncoding.DecodeString(f[4])
			fmt.Printf("%s\t%s\n", f[1], alliance.Sign(body, f[3], ed25519.NewKeyFromSeed(seed)))
			continue
		}
		header := ""
		if f[2] != "-" {
			h, _ := base64.StdEncoding.DecodeString(f[2])
			header = string(h)
		}
		body, _ := base64.StdEncoding.DecodeString(f[3])
		verdict := "pass"
		if _, err := alliance.Checks1To6(body, header, directory); err != nil {
			var r *alliance.Reject
			if !errors.As(err, &r) {
				panic(err)
			}
			verdict = r.Reason
		}
		fmt.Printf("%s\t%s\n", f[1], verdict)
	}
}
