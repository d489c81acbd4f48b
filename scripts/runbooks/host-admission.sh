#!/bin/sh
# At the host, when an applicant's bundle $BUNDLE has arrived: the secretariat files the
# application from it; once the members' votes have admitted it, the broker learns its public nkey.
set -eu
HOST_DIR=${HOST_DIR:-host}
STEP=${STEP:-apply}
[ "$STEP" = secretariat ] || BUNDLE=${BUNDLE:?the bundle of the applicant, <code>.bundle.json}
case "$STEP" in
  apply) alliance gov apply --bundle "$BUNDLE" --key "$HOST_DIR/keys/sec.jwk" ;;
  secretariat)
    # Instead of the `admitted` step: the secretariat itself gives each member the votes admit its
    # broker identity from BUNDLES/<code>.bundle.json, and reloads the server (NATS_PID).
    exec alliance gov run --key "$HOST_DIR/keys/sec.jwk" --directory "$HOST_DIR/keys/directory.json" \
      --bundles "${BUNDLES:?the folder of the applicants' bundles}" --creds "$HOST_DIR/creds" \
      --reload "${NATS_PID:?the nats-server pid}" --http-port "${NATS_HTTP_PORT:?its monitoring port}" ;;
  admitted)
    # With the running server's pid (and its monitoring port), it is reloaded, never restarted.
    if [ -n "${NATS_PID:-}" ] && [ -n "${NATS_HTTP_PORT:-}" ]; then
      alliance creds admit --bundle "$BUNDLE" --out "$HOST_DIR/creds" --reload "$NATS_PID" --http-port "$NATS_HTTP_PORT"
    elif [ -n "${NATS_PID:-}" ]; then
      alliance creds admit --bundle "$BUNDLE" --out "$HOST_DIR/creds" --reload "$NATS_PID"
    else
      alliance creds admit --bundle "$BUNDLE" --out "$HOST_DIR/creds"
    fi ;;
esac
