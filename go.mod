module github.com/support-steward/steward

go 1.26.0

require (
	github.com/arran4/golang-ical v0.3.4
	golang.org/x/text v0.44.0
	gopkg.in/yaml.v3 v3.0.1
)
