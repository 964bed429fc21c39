// Package e2e tests aiccd as its users run it: a built binary, started as a
// process on a random port against SQLite and PostgreSQL, provisioned
// through its CLI and driven over HTTP. It holds no code of its own; its
// tests are the suite.
package e2e
