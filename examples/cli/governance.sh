npx alliance keys init --out keys                       # the founding members' keys, sec.jwk, directory.json
npx alliance streams
# The secretariat service folds the governance stream into its views and publishes the decisions
# the votes carry. It runs in the background, stopped when this script ends.
npx alliance gov run --key keys/sec.jwk --directory keys/directory.json &
SECRETARIAT=$!
trap 'kill "$SECRETARIAT"; wait "$SECRETARIAT"' EXIT
# The service folds each event a moment after it is published: wait for it to show in a view.
await_view() {  # VIEW PATTERN: 60 tries, a second apart
  for _ in $(seq 60); do
    if npx alliance gov show "$1" 2>/dev/null | grep -E "$2" >/dev/null; then return 0; fi
    sleep 1
  done
  echo "gov show $1: no line matches '$2' after 60 tries" >&2
  return 1
}

# At the applicant ministry: its own keys, and the public half of its signing key for the host.
npx alliance member init --code jo --out jo-keys --country Jordan --ministry "Ministry of Interior" --lang ar
npx alliance keys public --key jo-keys/jo.jwk --out jo.pub.json
# The secretariat files the application (or: --bundle jo-keys/jo.bundle.json); its event id names the matter.
APPLICATION=$(npx alliance gov apply --key keys/sec.jwk --code jo --country Jordan --ministry "Ministry of Interior" \
    --lang ar --contact-unit "International cooperation" --public-key jo.pub.json \
  | sed -n 's/^membership-applied id=\([^ ]*\) .*/\1/p')
await_view matters "^$APPLICATION "
npx alliance gov show matters                           # the open application, the applicant's kid, the votes needed

# Admission needs the approval of every active member (unanimity, until an operating model sets
# another rule). Every member's key is in keys/ here; in the alliance each ministry votes with its own.
for member in $(npx alliance gov show members | awk '$2 == "active" { print $1 }'); do
  npx alliance gov vote "$APPLICATION" approve --key "keys/$member.jwk"
done
# The last approval carries the matter: the secretariat publishes the decision and folds it.
await_view members "^jo +active"
npx alliance gov show members                           # or keys, matters, model, groups, projects, declaration, refusals
npx alliance gov audit --directory keys/directory.json  # replay the stream, check every decision, compare with the views
