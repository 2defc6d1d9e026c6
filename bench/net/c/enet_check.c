/* Compiled and linked by the Makefile only to learn whether libenet-dev is installed. */
#include <enet/enet.h>

int main(void) { return enet_initialize(); }
