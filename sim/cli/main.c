/* The virtsim binary: everything is in the library; main only maps the
 * command line's status to the process exit code, and makes sure what was
 * written to standard output really got there (a full disk, a closed pipe:
 * a report that did not arrive is a failure, not a success). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "virtsim/ui/cli.h"

int main(int argc, char **argv)
{
    int status = vs_cli_main(argc, argv, stdout, stderr);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "virtsim: writing to standard output failed: %s\n", strerror(errno));
        if (status == 0) status = 1;
    }
    return status;
}
