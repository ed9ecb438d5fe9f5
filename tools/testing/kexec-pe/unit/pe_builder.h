/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Crafted PE/COFF images for the unit tests: a valid two-section AARCH64
 * EFI application with a DIR64 relocation, described by a struct the test
 * may bend field by field before pe_build() serialises it.
 */
#ifndef PE_BUILDER_H
#define PE_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#define PB_MAX_SECTIONS	4
#define PB_MAX_RELOCS	8

struct pb_section {
	char name[8];
	uint32_t rva, vsize, raw_size, file_off, flags;
	uint8_t fill;			/* content byte of the file data */
};

struct pb_spec {
	uint16_t mz_magic;
	uint32_t e_lfanew;
	uint32_t pe_magic;
	uint16_t machine;
	uint16_t nr_sections;		/* as written in the header */
	uint16_t opt_hdr_size;
	uint16_t opt_magic;
	uint64_t image_base;
	uint32_t section_align, file_align;
	uint32_t image_size, header_size;
	uint32_t entry;
	uint16_t subsystem;
	uint32_t data_dirs;
	uint32_t reloc_rva, reloc_size;	/* directory entry */
	int nr_sect;			/* sections actually described */
	struct pb_section sect[PB_MAX_SECTIONS];
	/* One relocation block in the .reloc section (the last section). */
	uint32_t reloc_page;
	int nr_relocs;
	uint16_t relocs[PB_MAX_RELOCS];
	uint32_t block_size_override;	/* 0: computed */
	size_t file_size;		/* bytes of file produced */
};

void pb_default(struct pb_spec *s);
uint8_t *pb_build(const struct pb_spec *s, size_t *size);

#endif
