/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface between the kernel's PE image loader and the EFI
 * boot-services emulator it starts at kexec -e.
 *
 * The kernel fills one parameter blob, a kexec segment, and the emulator
 * is entered with its physical address in the first argument register
 * (arm64: x0, MMU off; x86_64: %rdi, from the kexec purgatory, on an
 * identity map).  Everything in it is fixed width and little
 * endian; offsets point inside the blob.  The blob has a generic part,
 * which the emulator's generic core reads, and an architecture part
 * (struct efi_emulator_param.arch), which only the architecture's entry
 * code reads.  A new field goes at the end of its part and bumps
 * EFI_EMULATOR_VERSION; the emulator refuses a blob of another version
 * rather than guess.
 */
#ifndef __LINUX_EFI_EMULATOR_H
#define __LINUX_EFI_EMULATOR_H

#include <linux/types.h>

#define EFI_EMULATOR_PARAM_MAGIC	0x4d52415045554d45ULL	/* "EMUEPARM" */
#define EFI_EMULATOR_VERSION		6

/*
 * The emulator binary starts with this header: a branch to its entry,
 * then the size it needs in memory (image, BSS and stack), so the kernel
 * can size its segment without knowing anything else about it, and where
 * its permissions change, so the kernel can map it W^X: text (read-only,
 * executable), read-only data, then data, BSS and stack (writable,
 * non-executable), each starting on a 4 KiB page.
 */
struct efi_emulator_header {
	__le32 branch;			/* b to the entry code */
	__le32 text_size;		/* bytes from the start, page aligned */
	__le64 magic;			/* EFI_EMULATOR_IMAGE_MAGIC */
	__le64 mem_size;		/* bytes from the start, page aligned */
	__le64 data_offset;		/* end of read-only data, page aligned */
};

#define EFI_EMULATOR_IMAGE_MAGIC	0x41454d554c494645ULL	/* "EFILUMEA" */

/*
 * One region of the memory map, laid out as efi_memory_desc_t (whose pad
 * word holds the flags).  EFI_EMULATOR_MD_VIRT: virt_addr is where the
 * first boot mapped this runtime region, and the region is passed on
 * (without it, virt_addr is 0 and means nothing; with it, 0 is the
 * address of a region at physical address 0 mapped 1:1).
 */
#define EFI_EMULATOR_MD_VIRT		0x1

struct efi_emulator_memdesc {
	__u32 type;
	__u32 flags;
	__u64 phys_addr;
	__u64 virt_addr;
	__u64 num_pages;
	__u64 attribute;
};

/* A configuration table of the first boot to hand on (ACPI, SMBIOS...). */
struct efi_emulator_table {
	__u8 guid[16];
	__u64 addr;
};

enum efi_emulator_console {
	EFI_EMULATOR_CON_NONE,
	EFI_EMULATOR_CON_PL011,		/* ARM PL011 and SBSA UART */
	EFI_EMULATOR_CON_8250,		/* 16550-compatible */
	EFI_EMULATOR_CON_8250_IO,	/* 16550 at I/O port @base (x86) */
};

struct efi_emulator_earlycon {
	__u32 type;			/* enum efi_emulator_console */
	__u32 reg_shift;		/* 8250: register stride, log2 */
	__u32 reg_width;		/* 8250: access width, 1 or 4 bytes */
	__u32 pad;
	__u64 base;			/* MMIO base, physical, or I/O port */
};

/*
 * Memory types the kernel maps 1:1 for the emulator when write-back: free
 * memory and RAM the running kernel had in use.  The emulator may read
 * them (the memreserve list, SMBIOS); reserved memory it never touches.
 * EFI memory type numbers (UEFI 2.10, 7.2).
 */
static inline bool efi_emulator_ram_type(__u32 type)
{
	switch (type) {
	case 1:		/* EfiLoaderCode */
	case 2:		/* EfiLoaderData */
	case 3:		/* EfiBootServicesCode */
	case 4:		/* EfiBootServicesData */
	case 7:		/* EfiConventionalMemory */
	case 9:		/* EfiACPIReclaimMemory */
		return true;
	default:
		return false;
	}
}

/* The room for an architecture's part of the blob, whichever it is. */
#define EFI_EMULATOR_ARCH_SIZE		128

enum efi_emulator_conduit {
	EFI_EMULATOR_CONDUIT_NONE,
	EFI_EMULATOR_CONDUIT_HVC,
	EFI_EMULATOR_CONDUIT_SMC,
};

/* The SMCCC TRNG (TRNG_RND64) answers on the conduit: an entropy source. */
#define EFI_EMULATOR_ARM64_F_TRNG	0x1U

/*
 * arm64: the MMU values, computed by the kernel and written as they are
 * to the registers of the exception level the emulator is entered at
 * (entry_el: EL2 when the kernel was booted at EL2, else EL1), and the
 * firmware conduit for PSCI SYSTEM_RESET and the TRNG.
 */
struct efi_emulator_arm64 {
	__u64 ttbr0;			/* identity map, 4K granule */
	__u64 mair;
	__u64 tcr;
	__u64 sctlr;
	__u32 psci_conduit;		/* enum efi_emulator_conduit */
	__u32 entry_el;			/* 1 or 2 */
	__u32 flags;			/* EFI_EMULATOR_ARM64_F_* */
	__u32 pad;
};

/* The FADT reset register is valid (ACPI 6.5, 5.2.9, RESET_REG_SUP). */
#define EFI_EMULATOR_X86_F_RESET_REG	0x1U
/* The tables are 5-level (CR4.LA57 is set at entry), else 4-level. */
#define EFI_EMULATOR_X86_F_LA57		0x2U

/*
 * x86_64: the root of the identity map the emulator switches to (in the
 * page table segment; 4-level, or 5-level with F_LA57), the TSC
 * frequency the kernel measured,
 * for Stall(), and the FADT reset register, tried before the reset
 * control register at 0xcf9, the keyboard controller and a triple fault.
 */
struct efi_emulator_x86 {
	__u64 cr3;
	__u64 tsc_khz;			/* 0 when the kernel does not know */
	__u64 reset_addr;		/* reset register, when F_RESET_REG */
	__u8 reset_space;		/* ACPI address space: 0 memory, 1 I/O */
	__u8 reset_value;
	__u16 pad;
	__u32 flags;			/* EFI_EMULATOR_X86_F_* */
};

struct efi_emulator_param {
	__u64 magic;			/* EFI_EMULATOR_PARAM_MAGIC */
	__u32 version;			/* EFI_EMULATOR_VERSION */
	__u32 size;			/* of the whole blob, bytes */

	__u64 pe_base;			/* the PE image file */
	__u64 pe_size;
	__u64 initrd_base;		/* 0 when there is none */
	__u64 initrd_size;
	__u64 dtb_base;			/* DEVICE_TREE_GUID table, or 0 */
	__u64 dtb_size;

	__u32 cmdline_offset;		/* UTF-16, NUL terminated */
	__u32 cmdline_size;		/* bytes, including the NUL */
	__u32 memmap_offset;		/* struct efi_emulator_memdesc[] */
	__u32 memmap_count;
	/*
	 * Parts of conventional memory above that are in use when the
	 * emulator starts (kexec segments, its page tables): given the type
	 * in each descriptor and never handed out.
	 */
	__u32 reserved_offset;		/* struct efi_emulator_memdesc[] */
	__u32 reserved_count;
	__u32 tables_offset;		/* struct efi_emulator_table[] */
	__u32 tables_count;

	__u64 runtime;			/* runtime services table, or 0 */
	__u32 runtime_supported;	/* EFI_RT_SUPPORTED_* that work */
	__u32 pad2;

	struct efi_emulator_earlycon con;

	/*
	 * EFI_EMULATOR_RT_SIZE bytes the kernel reserved (a segment, in the
	 * reserved list as EfiRuntimeServicesData) for the system table and
	 * the other tables the next kernel keeps.  Runtime regions in the
	 * memory map come in the first boot's order.
	 */
	__u64 rt_base;
	__u32 flags;			/* EFI_EMULATOR_F_* */
	__u32 pad3;
	/*
	 * The page tables the emulator starts on (a segment, written with
	 * the MMU off): their format and root are the architecture's.
	 */
	__u64 pt_base;
	__u64 pt_size;
	/*
	 * Words the emulator appends to the command line of the Linux
	 * kernel image it starts, whichever image loads it (a UKI's stub
	 * passes its .cmdline on): for an x86 crash kernel, elfcorehdr=,
	 * which that kernel finds nowhere else.  UTF-16, NUL terminated;
	 * size 0 for none.
	 */
	__u32 kernel_args_offset;
	__u32 kernel_args_size;		/* bytes, including the NUL */

	union {
		struct efi_emulator_arm64 arm64;
		struct efi_emulator_x86 x86;
		__u8 size[EFI_EMULATOR_ARCH_SIZE];
	} arch;
};

#define EFI_EMULATOR_RT_SIZE		0x10000	/* 64 KiB, as AArch64 UEFI */

/* The payload is a crash kernel: no firmware call of the crashed system. */
#define EFI_EMULATOR_F_CRASH		0x1U

#if defined(__KERNEL__) && !defined(EMU_FREESTANDING)
/*
 * The emulator binary (drivers/firmware/efi/efi_emulator/blob.S), which
 * starts with a struct efi_emulator_header.
 */
extern const u8 efi_emulator_blob[], efi_emulator_blob_end[];
#endif

#endif /* __LINUX_EFI_EMULATOR_H */
