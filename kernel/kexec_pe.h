/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of the PE image loader: the loader itself
 * (kexec_pe_image.c), the memory map it hands the EFI emulator
 * (kexec_pe_memmap.c), the emulator's console (kexec_pe_console.c) and
 * its load-time checks (kexec_pe_check.c).  The
 * architecture's part is declared in <linux/kexec.h>, the ABI with the
 * emulator in <linux/efi_emulator.h>.
 */
#ifndef LINUX_KEXEC_PE_H
#define LINUX_KEXEC_PE_H

#include <linux/efi_emulator.h>
#include <linux/types.h>

/* A range of the running kernel's LINUX_EFI_MEMRESERVE list. */
struct kexec_pe_range {
	u64 base;
	u64 size;
};

/**
 * struct kexec_pe_memmap - the memory map the emulator starts from
 * @desc:	every region of the running system's map, RAM or not
 * @nr_desc:	entries of @desc
 * @max_desc:	room in @desc
 * @overflow:	the map grew between the walk that counted and the one
 *		that filled
 * @crash:	for a crash kernel: only the crashkernel= reservation is free
 * @runtime:	runtime services are passed on: runtime regions keep the
 *		virtual address the first boot gave them
 * @in_use:	ranges of the free RAM in @desc that are in use when the
 *		emulator starts (the segments, the memreserve list): typed as
 *		given, never handed out
 * @nr_in_use:	entries of @in_use
 * @max_in_use:	room in @in_use
 * @rsv:	the memreserve list
 * @nr_rsv:	entries of @rsv
 * @max_rsv:	room in @rsv
 */
struct kexec_pe_memmap {
	struct efi_emulator_memdesc *desc;
	u32 nr_desc;
	u32 max_desc;
	bool overflow;
	bool crash;
	bool runtime;
	struct efi_emulator_memdesc *in_use;
	u32 nr_in_use;
	u32 max_in_use;
	struct kexec_pe_range *rsv;
	u32 nr_rsv;
	u32 max_rsv;
};

/* kexec_pe_memmap.c */
int kexec_pe_memmap_read(struct kexec_pe_memmap *map, bool crash,
			 bool runtime, u32 nr_in_use);
int kexec_pe_memmap_mark(struct kexec_pe_memmap *map, u64 start, u64 size,
			 u32 type);
int kexec_pe_memmap_mark_memreserve(struct kexec_pe_memmap *map);
int kexec_pe_memmap_check_room(const struct kexec_pe_memmap *map, u64 need,
			       u64 block, u64 min);
void kexec_pe_memmap_release(struct kexec_pe_memmap *map);

/* kexec_pe_console.c */
void kexec_pe_find_console(struct efi_emulator_earlycon *con);

/* kexec_pe_check.c: the emulator's own PE checks, in the kernel */
int kexec_pe_check(const void *buf, unsigned long len, u16 machine,
		   u32 *image_size);
bool kexec_pe_has_section(const void *buf, unsigned long len, u16 machine,
			  const char *name);
u32 kexec_pe_section_size(const void *buf, unsigned long len, u16 machine,
			  const char *name);
u32 kexec_pe_count_sections(const void *buf, unsigned long len, u16 machine,
			    const char *name);
int kexec_pe_check_map(const struct efi_emulator_param *param);
const void *kexec_pe_linux(const void *buf, unsigned long len, u16 machine,
			   unsigned long *out_len);
int kexec_pe_check_revoked(const void *buf, unsigned long len, u16 machine);
int kexec_pe_utf16(const char *s, size_t len, u16 *out, size_t *out_len);

#endif /* LINUX_KEXEC_PE_H */
