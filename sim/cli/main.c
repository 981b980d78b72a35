/* The virtsim binary: everything is in the library; main only maps the
 * command line's status to the process exit code. */
#include "virtsim/ui/cli.h"

int main(int argc, char **argv)
{
    return vs_cli_main(argc, argv, stdout, stderr);
}
