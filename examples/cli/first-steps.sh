npx alliance keys init --out keys                       # keys/<code>.jwk (private) and keys/directory.json
npx alliance streams                                    # as the administrator: the streams, once
echo '{"title":"…","summary":"…","body":"…","keywords":["…"],"offences":["fraud"]}' \
  | ALLIANCE_KEY=keys/fr.jwk npx alliance publish crime bulletin --data - --tlp AMBER
ALLIANCE_DIRECTORY=keys/directory.json npx alliance tail crime --from-start --idle-exit 5
npx alliance quarantine --reason bad-signature
