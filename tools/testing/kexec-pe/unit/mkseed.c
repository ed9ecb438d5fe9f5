// SPDX-License-Identifier: GPL-2.0
/* Write the crafted default image (with a relocation block) as a seed. */
#include <stdio.h>
#include <stdlib.h>
#include "pe_builder.h"

int main(int argc, char **argv)
{
	struct pb_spec s;
	size_t size;
	uint8_t *f;
	FILE *out;

	if (argc != 2)
		return 2;
	pb_default(&s);
	f = pb_build(&s, &size);
	out = fopen(argv[1], "wb");
	if (!out || fwrite(f, 1, size, out) != size)
		return 1;
	fclose(out);
	free(f);
	return 0;
}
