# syntax=docker/dockerfile:1
#
# docker build -t glasshouse .
# docker run --rm -it -v glasshouse:/data glasshouse init --admin-email you@example.com
# docker run -d -p 8080:8080 -v glasshouse:/data glasshouse
#
# Admin commands (user, token, check, backup) need the data directory to
# themselves: stop the server container, run them with `--rm`, start it again.

FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY . .
# The caches keep crates and build output between builds; the binary is
# copied out because a cache mount is not part of the image.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked \
    && install -m 0755 target/release/glasshouse /usr/local/bin/glasshouse

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 glasshouse \
    && useradd --system --uid 10001 --gid glasshouse --home-dir /data --shell /usr/sbin/nologin glasshouse \
    && mkdir /data \
    && chown glasshouse:glasshouse /data
COPY --from=build /usr/local/bin/glasshouse /usr/local/bin/glasshouse

USER glasshouse:glasshouse
ENV GLASSHOUSE_DATA=/data \
    GLASSHOUSE_LISTEN=0.0.0.0:8080
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["glasshouse", "healthcheck"]
ENTRYPOINT ["glasshouse"]
CMD ["serve"]
