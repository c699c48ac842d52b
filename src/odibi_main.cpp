// The odibi executable: everything happens in the cli layer.
#include "cli/commands.hpp"

int main(int argc, char** argv) {
    return odibi::cli::RunCli(argc, argv);
}
