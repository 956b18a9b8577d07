#include "app/cli.hpp"

int main(int argc, char** argv) { return ss::app::main(argc, argv); }
