/* The command line, callable from main() and from tests. */
#ifndef VIRTSIM_CLI_H
#define VIRTSIM_CLI_H

#include <stdio.h>

/* Runs the command line argv (argv[0] is the program) writing normal output to
 * out and messages to err. Returns the exit code: 0 ok, 1 runtime failure,
 * 2 usage or input error. */
int vs_cli_main(int argc, char **argv, FILE *out, FILE *err);

#endif
