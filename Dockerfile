# kmslint in a container: `docker build -t kmslint .` from a checkout, then
# `docker run --rm -v "$PWD:/src:ro" kmslint .` scans the current directory.
#
# Why glibc on distroless rather than a static musl binary on scratch: a static build needs the
# musl Rust target for the build platform (x86_64 or aarch64) and musl-gcc (mimalloc is C), both
# fetched at build time (rustup's server, apt) and neither available where this file is checked,
# so such a build could not be tried before it ships. A glibc build on the official Rust image,
# run on distroless/cc (glibc, libgcc and CA certificates only: no shell, no package manager),
# gives a small shell-less runtime with nothing fetched but the crates in Cargo.lock. The Linux
# release binaries (release.yml) stay static musl builds.

# Same Debian release as the runtime, so the binary's glibc is never newer than the one it runs on.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /build
COPY Cargo.toml Cargo.lock ./
COPY src ./src
# Cargo.toml names the benchmark target's source; cargo reads it even for --bin.
COPY bench ./bench
RUN cargo build --release --locked --bin kmslint \
    && cp target/release/kmslint /kmslint \
    && /kmslint --version

FROM gcr.io/distroless/cc-debian12:nonroot
LABEL org.opencontainers.image.title="kmslint" \
      org.opencontainers.image.description="Audit AWS KMS configuration in Terraform" \
      org.opencontainers.image.source="https://github.com/kmslint/kmslint" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"
COPY --from=build /kmslint /usr/local/bin/kmslint
# The tree to scan is mounted here; paths in findings are relative to it.
WORKDIR /src
# distroless's nonroot user (65532): kmslint only reads the mounted tree and writes to stdout or
# to an --output path the caller mounts writable.
USER 65532:65532
ENTRYPOINT ["kmslint"]
