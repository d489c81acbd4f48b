#!/bin/sh
# At the host, when an applicant's bundle $BUNDLE has arrived: the secretariat files the
# application from it; once the members' votes have admitted it, the broker learns its public nkey.
set -eu
BUNDLE=${BUNDLE:?the bundle of the applicant, <code>.bundle.json}
HOST_DIR=${HOST_DIR:-host}
STEP=${STEP:-apply}
case "$STEP" in
  apply) alliance gov apply --bundle "$BUNDLE" --key "$HOST_DIR/keys/sec.jwk" ;;
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
