#include "cli/app.h"

int main(int argc, char** argv) { return ksa::cli::run(argc, argv); }
