// SPDX-License-Identifier: GPL-2.0
/*
 * Real PE files through the loader: the build's Image and vmlinuz.efi and
 * Debian's systemd-stub.  KEXECPE_REAL_PE lists "FILE=OBJDUMP" pairs, where
 * OBJDUMP is the output of "aarch64-linux-gnu-objdump -h -f FILE"; the
 * sections and entry point the loader finds must be the ones binutils
 * reports, and the loaded image must hold each section's file bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pe.h>
#include "emulator.h"
#include "kselftest_harness.h"

struct od_section {
	char name[16];
	unsigned long long size, vma, file_off;
};

struct objdump {
	unsigned long long start;
	int n;
	struct od_section s[16];
};

static int read_objdump(const char *path, struct objdump *od)
{
	FILE *f = fopen(path, "r");
	char line[256];
	struct od_section s;
	unsigned long long lma;
	int idx;

	if (!f)
		return -1;
	memset(od, 0, sizeof(*od));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "start address 0x%llx", &od->start) == 1)
			continue;
		if (sscanf(line, " %d %15s %llx %llx %llx %llx", &idx, s.name,
			   &s.size, &s.vma, &lma, &s.file_off) == 6 &&
		    od->n < 16)
			od->s[od->n++] = s;
	}
	fclose(f);
	return 0;
}

static void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	void *buf;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*size = ftell(f);
	rewind(f);
	buf = malloc(*size);
	if (fread(buf, 1, *size, f) != *size) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static int check_one(struct __test_metadata *_metadata, const char *pe_path,
		     const char *od_path)
{
	struct section_header sh;
	struct emu_pe_info pe;
	struct objdump od;
	const char *why = "", *kind;
	size_t size;
	u8 *file, *img;
	int i;

	TH_LOG("%s", pe_path);
	file = read_file(pe_path, &size);
	ASSERT_NE(NULL, file);
	ASSERT_EQ(0, read_objdump(od_path, &od));
	ASSERT_GT(od.n, 0);

	ASSERT_EQ(EFI_SUCCESS,
		  emu_pe_parse(file, size, IMAGE_FILE_MACHINE_ARM64, &pe, &why))
		TH_LOG("%s", why);
	EXPECT_EQ(od.start, pe.image_base + pe.entry);
	ASSERT_EQ(od.n, pe.nr_sections);

	img = malloc(pe.image_size);
	ASSERT_EQ(EFI_SUCCESS, emu_pe_load(file, size, &pe, img,
					   pe.image_size, &why));
	EXPECT_EQ(0, memcmp(img, file, pe.header_size));
	for (i = 0; i < od.n; i++) {
		memcpy(&sh, file + pe.sections_offset + i * sizeof(sh),
		       sizeof(sh));
		EXPECT_EQ(0, strncmp(od.s[i].name, sh.name, 8));
		EXPECT_EQ(od.s[i].vma - pe.image_base, sh.virtual_address);
		EXPECT_EQ(od.s[i].size, sh.raw_data_size);
		EXPECT_EQ(od.s[i].file_off, sh.data_addr);
		EXPECT_EQ(0, memcmp(img + sh.virtual_address,
				    file + sh.data_addr, sh.raw_data_size));
	}
	/* Position independent: no relocations, any base will do. */
	EXPECT_EQ(EFI_SUCCESS, emu_pe_relocate(img, &pe, 0x40000000, &why));

	/* The build's kernels are Linux boot images; systemd-stub alone is not. */
	kind = emu_pe_linux_kind(file, size, IMAGE_FILE_MACHINE_ARM64, &why);
	if (strstr(pe_path, "linuxaa64.efi.stub")) {
		EXPECT_EQ(NULL, kind);
		EXPECT_NE(NULL, strstr(why, "not a Linux kernel"));
	} else if (strstr(pe_path, "vmlinuz")) {
		EXPECT_STREQ("EFI zboot image", kind ?: why);
	} else {
		EXPECT_STREQ("Linux kernel with EFI stub", kind ?: why);
	}
	free(img);
	free(file);
	return 0;
}

TEST(real_images_match_objdump)
{
	char *list = getenv("KEXECPE_REAL_PE"), *save, *tok, *eq;
	int n = 0;

	if (!list)
		SKIP(return, "KEXECPE_REAL_PE not set");
	list = strdup(list);
	for (tok = strtok_r(list, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		eq = strchr(tok, '=');
		ASSERT_NE(NULL, eq);
		*eq = 0;
		check_one(_metadata, tok, eq + 1);
		n++;
	}
	free(list);
	EXPECT_GE(n, 3);
}

TEST_HARNESS_MAIN
