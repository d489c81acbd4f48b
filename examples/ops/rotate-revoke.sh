# A member rotates its signing key: the announcement is signed with the current key, and every
# verifier's live key directory accepts the new key as soon as it folds the announcement.
npx alliance gov rotate-key --key keys/fr.jwk --out keys/fr-2.jwk
ALLIANCE_KEY=keys/fr-2.jwk npx alliance publish crime bulletin --data "$EXAMPLES/data/crime-bulletin.json"
# The old key is compromised: the member revokes it, signing with its new key (or the members
# vote a motion: `alliance gov motion revoke-key`). Anything signed with it from now on is refused.
OLD_KID=$(node -e 'console.log(JSON.parse(require("fs").readFileSync("keys/fr.jwk", "utf8")).kid)')
npx alliance gov revoke-key "$OLD_KID" --key keys/fr-2.jwk --reason compromise
ALLIANCE_KEY=keys/fr.jwk npx alliance publish crime bulletin --data "$EXAMPLES/data/crime-bulletin.json"
npx alliance tail crime --from-start --idle-exit 5 --json > after-rotation.jsonl
