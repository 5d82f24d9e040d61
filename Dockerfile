# steward as a small static image: `steward serve` by default.
#   docker build -t steward .
# The binary is static (CGO_ENABLED=0) and carries the IANA time-zone
# database (time/tzdata); the final image is scratch plus CA certificates,
# run as a non-root user.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/steward ./cmd/steward

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/steward /steward
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/steward"]
CMD ["serve"]
