// Command aiccd is a self-hosted, wire-compatible server for the AICC
// contact-center and partner APIs. See README.md.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/aiccd/aiccd/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr)
	stop()
	if err != nil {
		os.Exit(1)
	}
}

// run is main without the process: tests call it with their own arguments,
// environment and output. cli.Run reports the error.
func run(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	return cli.Run(ctx, args, environ, stdout, stderr)
}
