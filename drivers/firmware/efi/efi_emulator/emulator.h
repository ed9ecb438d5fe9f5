/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of the EFI boot-services emulator.
 *
 * The generic code is built three ways: freestanding for the kexec reboot
 * path, natively on the build host for unit tests and fuzzing, and as an
 * aarch64 Linux program that runs a real EFI stub.  Memory is identity
 * mapped in all three (the kexec path builds an identity map, the host
 * harnesses mmap the memory map's RAM at its own addresses), so a physical
 * address and a pointer convert with a cast: emu_ptr() and emu_addr() are
 * the only places that know.
 */
#ifndef __EFI_EMULATOR_H
#define __EFI_EMULATOR_H

#include <linux/types.h>
#include "efi_types.h"

#ifdef EMU_FREESTANDING
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
#else
#include <string.h>
#endif

#define EMU_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static inline void *emu_ptr(u64 addr)
{
	return (void *)(unsigned long)addr;
}

static inline u64 emu_addr(const void *ptr)
{
	return (u64)(unsigned long)ptr;
}

static inline bool emu_guid_eq(const efi_guid_t *a, const efi_guid_t *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* lib.c */
u32 emu_crc32(u32 crc, const void *buf, size_t len);
efi_status_t emu_utf8_to_utf16(const char *src, size_t len,
			       efi_char16_t *dst, size_t *dst_len);

/* memory.c: the memory map and the page and pool allocators */

/* The region was handed out by the emulator and may be freed. */
#define EMU_REGION_OWNED	0x1

struct emu_region {
	u64 start;
	u64 pages;
	u64 virt;
	u64 attr;
	u32 type;
	u32 flags;
};

struct emu_memory {
	struct emu_region *map;	/* sorted by start, never overlapping */
	u32 count;
	u32 max;
	u64 key;		/* changes on every change of the map */
};

/* What GetMemoryMap() reports as descriptor size: larger than the struct
 * on purpose, as EDK2 does, so callers must honour it. */
#define EMU_DESC_SIZE		48

void emu_mem_init(struct emu_memory *m, struct emu_region *storage, u32 max);
efi_status_t emu_mem_add(struct emu_memory *m, u64 start, u64 pages,
			 u32 type, u64 attr, u64 virt);
efi_status_t emu_alloc_aligned(struct emu_memory *m, u32 type, u64 pages,
			       u64 align, u64 max_addr, u64 *addr);
efi_status_t emu_allocate_pages(struct emu_memory *m, int alloc_type,
				u32 mem_type, u64 pages, u64 *addr);
efi_status_t emu_free_pages(struct emu_memory *m, u64 addr, u64 pages);
efi_status_t emu_get_memory_map(struct emu_memory *m, unsigned long *size,
				efi_memory_desc_t *map, unsigned long *key,
				unsigned long *desc_size, u32 *desc_version);
efi_status_t emu_allocate_pool(struct emu_memory *m, u32 type,
			       unsigned long size, void **buf);
efi_status_t emu_free_pool(struct emu_memory *m, void *buf);

/* pe.c: PE/COFF validation, loading and base relocation */
struct emu_pe_info {
	u16 machine;
	u16 subsystem;
	u16 nr_sections;
	u32 sections_offset;	/* file offset of the section table */
	u64 image_base;		/* preferred load address */
	u32 image_size;		/* SizeOfImage */
	u32 header_size;	/* SizeOfHeaders */
	u32 section_align;
	u32 entry;		/* RVA of the entry point */
	u32 reloc_rva;		/* base relocation directory, 0 if none */
	u32 reloc_size;
};

/* Largest SizeOfImage accepted: far above any kernel, far below harm. */
#define EMU_PE_MAX_IMAGE	(512U << 20)

efi_status_t emu_pe_parse(const void *file, u64 size, u16 machine,
			  struct emu_pe_info *pe, const char **why);
efi_status_t emu_pe_load(const void *file, u64 size,
			 const struct emu_pe_info *pe, void *dst, u64 dst_size,
			 const char **why);
efi_status_t emu_pe_relocate(void *image, const struct emu_pe_info *pe,
			     u64 new_base, const char **why);

#endif /* __EFI_EMULATOR_H */
