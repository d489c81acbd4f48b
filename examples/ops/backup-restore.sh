# As the administrator (NATS_CREDS=creds/admin.nk, NATS_CA=certs/ca.pem on the secured cluster):
# snapshot every stream with its consumers, KV buckets included, while the cluster serves.
npx alliance backup --out backups/latest
# Restore into a fresh server or cluster (RESTORE_URL), where those streams do not exist yet,
# then check: the stream configs are current, and every restored bulletin still verifies.
NATS_URL="$RESTORE_URL" npx alliance restore backups/latest
NATS_URL="$RESTORE_URL" npx alliance streams
NATS_URL="$RESTORE_URL" npx alliance tail crime --from-start --idle-exit 5 --static-directory --json > restored-crime.jsonl
