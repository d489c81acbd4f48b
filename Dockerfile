# The image every alliance service runs: the project's TypeScript run directly through tsx
# (`node bin/alliance.js <command>`); there is no build step.
#
#   docker build -t alliance-bus .
#   docker run --rm alliance-bus --help
#
# Node 20 is what package.json's engines and @types/node name. It reached end of life on
# 2026-04-30: build on a supported line (`--build-arg NODE_VERSION=22`) once the project has
# been tested on it.
ARG NODE_VERSION=20
FROM node:${NODE_VERSION}-bookworm-slim

ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

WORKDIR /app

# Dependencies first, so that a source change does not reinstall them. tsx is a runtime
# dependency (not a dev one), so --omit=dev keeps everything the command needs and leaves out
# the type checker and the test runner.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# The sources (.dockerignore keeps out tests, keys, local data, node_modules and .git). They
# stay owned by root: the services run as the unprivileged `node` user and cannot change them.
COPY . .

USER node
# Logs are pino JSON on stderr; the commands' data (tail's lines) on stdout.
ENTRYPOINT ["node", "bin/alliance.js"]
CMD ["--help"]
