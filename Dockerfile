# aiccd in a container: a static binary (no cgo: the SQLite driver is pure
# Go) on a distroless base, running as an unprivileged user.
#
#   docker build -t aiccd .
#   docker run -p 8080:8080 -v aiccd-data:/data aiccd serve --demo
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/aiccd/aiccd/cli.Version=${VERSION}" -o /aiccd ./cmd/aiccd

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /aiccd /usr/local/bin/aiccd
WORKDIR /data
VOLUME /data
ENV AICCD_ADDR=0.0.0.0:8080 \
    AICCD_DATABASE=/data/aiccd.db \
    AICCD_LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/aiccd"]
CMD ["serve"]
