// rulec: the rule compiler CLI (placeholder until the driver lands).
#include <cstdio>
int main() { std::fprintf(stderr, "rulec: not built yet\n"); return 2; }
