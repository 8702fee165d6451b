// rulerun: runs a pack over events (placeholder until the engine lands).
#include <cstdio>
int main() { std::fprintf(stderr, "rulerun: not built yet\n"); return 2; }
