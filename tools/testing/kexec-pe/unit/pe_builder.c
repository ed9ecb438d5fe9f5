// SPDX-License-Identifier: GPL-2.0
/*
 * Serialise a struct pb_spec into a PE/COFF file.  The default is a valid
 * image: headers in the first 0x400 bytes, .text at RVA 0x1000 (file data
 * 0x200 bytes, VirtualSize 0x1800: the rest is BSS-like), .reloc at RVA
 * 0x3000 holding one block with a DIR64 entry for RVA 0x1008.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/pe.h>
#include "pe_builder.h"

void pb_default(struct pb_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->mz_magic = MZ_MAGIC;
	s->e_lfanew = 0x40;
	s->pe_magic = PE_MAGIC;
	s->machine = IMAGE_FILE_MACHINE_ARM64;
	s->nr_sections = 2;
	s->opt_hdr_size = sizeof(struct pe32plus_opt_hdr) +
			  16 * sizeof(struct data_dirent);
	s->opt_magic = PE_OPT_MAGIC_PE32PLUS;
	s->image_base = 0x10000000;
	s->section_align = 0x1000;
	s->file_align = 0x200;
	s->image_size = 0x4000;
	s->header_size = 0x400;
	s->entry = 0x1010;
	s->subsystem = IMAGE_SUBSYSTEM_EFI_APPLICATION;
	s->data_dirs = 16;
	s->reloc_rva = 0x3000;
	s->reloc_size = 12;
	s->nr_sect = 2;
	s->sect[0] = (struct pb_section){ ".text", 0x1000, 0x1800, 0x200,
					  0x400, IMAGE_SCN_CNT_CODE |
					  IMAGE_SCN_MEM_EXECUTE, 0xaa };
	s->sect[1] = (struct pb_section){ ".reloc", 0x3000, 12, 0x200,
					  0x600, 0, 0 };
	s->reloc_page = 0x1000;
	s->nr_relocs = 2;
	s->relocs[0] = (10 << 12) | 0x008;	/* DIR64 at RVA 0x1008 */
	s->relocs[1] = 0;			/* ABSOLUTE: padding */
	s->file_size = 0x800;
}

uint8_t *pb_build(const struct pb_spec *s, size_t *size)
{
	size_t len = s->file_size;
	uint8_t *f = calloc(1, len < 0x1000 ? 0x1000 : len);
	struct pe32plus_opt_hdr opt = { 0 };
	struct data_dirent reloc_dir;
	struct mz_hdr mz = { 0 };
	struct pe_hdr ph = { 0 };
	size_t off = s->e_lfanew;
	int i;

	mz.magic = s->mz_magic;
	mz.peaddr = s->e_lfanew;
	memcpy(f, &mz, sizeof(mz));

	ph.magic = s->pe_magic;
	ph.machine = s->machine;
	ph.sections = s->nr_sections;
	ph.opt_hdr_size = s->opt_hdr_size;
	if (off + sizeof(ph) <= len)
		memcpy(f + off, &ph, sizeof(ph));
	off += sizeof(ph);

	opt.magic = s->opt_magic;
	opt.entry_point = s->entry;
	opt.image_base = s->image_base;
	opt.section_align = s->section_align;
	opt.file_align = s->file_align;
	opt.image_size = s->image_size;
	opt.header_size = s->header_size;
	opt.subsys = s->subsystem;
	opt.data_dirs = s->data_dirs;
	if (off + sizeof(opt) <= len)
		memcpy(f + off, &opt, sizeof(opt));
	reloc_dir.virtual_address = s->reloc_rva;
	reloc_dir.size = s->reloc_size;
	if (off + sizeof(opt) + 6 * sizeof(reloc_dir) <= len)
		memcpy(f + off + sizeof(opt) + 5 * sizeof(reloc_dir),
		       &reloc_dir, sizeof(reloc_dir));
	off += s->opt_hdr_size;

	for (i = 0; i < s->nr_sect; i++) {
		const struct pb_section *p = &s->sect[i];
		struct section_header sh = { 0 };

		memcpy(sh.name, p->name, sizeof(sh.name));
		sh.virtual_size = p->vsize;
		sh.virtual_address = p->rva;
		sh.raw_data_size = p->raw_size;
		sh.data_addr = p->file_off;
		sh.flags = p->flags;
		if (off + sizeof(sh) <= len)
			memcpy(f + off, &sh, sizeof(sh));
		off += sizeof(sh);
		if (p->fill && (size_t)p->file_off + p->raw_size <= len)
			memset(f + p->file_off, p->fill, p->raw_size);
	}

	/* Relocation block at the start of the last section's file data. */
	if (s->nr_sect && s->nr_relocs) {
		const struct pb_section *r = &s->sect[s->nr_sect - 1];
		uint32_t block = s->block_size_override ?:
				 8 + 2 * s->nr_relocs;

		if ((size_t)r->file_off + 8 + 2 * s->nr_relocs <= len) {
			memcpy(f + r->file_off, &s->reloc_page, 4);
			memcpy(f + r->file_off + 4, &block, 4);
			memcpy(f + r->file_off + 8, s->relocs,
			       2 * s->nr_relocs);
		}
	}
	*size = len;
	return f;
}
