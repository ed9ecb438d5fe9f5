/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The subset of the UEFI specification the emulator implements: status
 * codes, memory map, tables and protocol layouts.  The emulator is a small
 * firmware of its own, built freestanding for the kexec path and natively
 * for host tests, so it cannot include <linux/efi.h> (which needs the whole
 * kernel); names and layouts follow <linux/efi.h> and the UEFI 2.10 spec so
 * both read the same.  Only fixed-width types appear in layouts; EFIAPI is
 * the native calling convention (arm64), so no ABI glue is needed.
 */
#ifndef __EFI_EMULATOR_EFI_TYPES_H
#define __EFI_EMULATOR_EFI_TYPES_H

#include <linux/types.h>

#define EFIAPI

typedef unsigned long efi_status_t;
typedef u16 efi_char16_t;
typedef void *efi_handle_t;
typedef void *efi_event_t;
typedef u64 efi_physical_addr_t;

#define EFI_ERR(x)		((1UL << (8 * sizeof(long) - 1)) | (x))
#define EFI_SUCCESS		0
#define EFI_LOAD_ERROR		EFI_ERR(1)
#define EFI_INVALID_PARAMETER	EFI_ERR(2)
#define EFI_UNSUPPORTED		EFI_ERR(3)
#define EFI_BAD_BUFFER_SIZE	EFI_ERR(4)
#define EFI_BUFFER_TOO_SMALL	EFI_ERR(5)
#define EFI_NOT_READY		EFI_ERR(6)
#define EFI_DEVICE_ERROR	EFI_ERR(7)
#define EFI_OUT_OF_RESOURCES	EFI_ERR(9)
#define EFI_NOT_FOUND		EFI_ERR(14)
#define EFI_ACCESS_DENIED	EFI_ERR(15)
#define EFI_SECURITY_VIOLATION	EFI_ERR(26)

#define EFI_ERROR(s)		((long)(s) < 0)

/* GUIDs are byte arrays in the spec's mixed-endian layout. */
typedef struct {
	u8 b[16];
} __attribute__((aligned(4))) efi_guid_t;

#define EFI_GUID(a, b, c, d...) ((efi_guid_t){ {			\
	(a) & 0xff, ((a) >> 8) & 0xff, ((a) >> 16) & 0xff, ((a) >> 24) & 0xff, \
	(b) & 0xff, ((b) >> 8) & 0xff,					\
	(c) & 0xff, ((c) >> 8) & 0xff, d } })

/* Memory types (UEFI 2.10, 7.2) */
enum {
	EFI_RESERVED_TYPE,
	EFI_LOADER_CODE,
	EFI_LOADER_DATA,
	EFI_BOOT_SERVICES_CODE,
	EFI_BOOT_SERVICES_DATA,
	EFI_RUNTIME_SERVICES_CODE,
	EFI_RUNTIME_SERVICES_DATA,
	EFI_CONVENTIONAL_MEMORY,
	EFI_UNUSABLE_MEMORY,
	EFI_ACPI_RECLAIM_MEMORY,
	EFI_ACPI_MEMORY_NVS,
	EFI_MEMORY_MAPPED_IO,
	EFI_MEMORY_MAPPED_IO_PORT_SPACE,
	EFI_PAL_CODE,
	EFI_PERSISTENT_MEMORY,
	EFI_UNACCEPTED_MEMORY,
	EFI_MAX_MEMORY_TYPE,
};

#define EFI_MEMORY_WB		0x0000000000000008ULL
#define EFI_MEMORY_RUNTIME	0x8000000000000000ULL

enum {
	EFI_ALLOCATE_ANY_PAGES,
	EFI_ALLOCATE_MAX_ADDRESS,
	EFI_ALLOCATE_ADDRESS,
	EFI_MAX_ALLOCATE_TYPE,
};

#define EFI_PAGE_SHIFT		12
#define EFI_PAGE_SIZE		(1ULL << EFI_PAGE_SHIFT)

#define EFI_MEMORY_DESCRIPTOR_VERSION	1

typedef struct {
	u32 type;
	u32 pad;
	u64 phys_addr;
	u64 virt_addr;
	u64 num_pages;
	u64 attribute;
} efi_memory_desc_t;

typedef struct {
	u64 signature;
	u32 revision;
	u32 headersize;
	u32 crc32;
	u32 reserved;
} efi_table_hdr_t;

#define EFI_2_100_SYSTEM_TABLE_REVISION	((2 << 16) | 100)

typedef struct {
	efi_guid_t guid;
	void *table;
} efi_config_table_t;

#define LOADED_IMAGE_PROTOCOL_GUID		EFI_GUID(0x5b1b31a1, 0x9562, 0x11d2,  0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b)
#define EFI_LOADED_IMAGE_DEVICE_PATH_PROTOCOL_GUID EFI_GUID(0xbc62157e, 0x3e33, 0x4fec,  0x99, 0x20, 0x2d, 0x3b, 0x36, 0xd7, 0x50, 0xdf)
#define EFI_DEVICE_PATH_PROTOCOL_GUID		EFI_GUID(0x09576e91, 0x6d3f, 0x11d2,  0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b)
#define EFI_LOAD_FILE2_PROTOCOL_GUID		EFI_GUID(0x4006c0c1, 0xfcb3, 0x403e,  0x99, 0x6d, 0x4a, 0x6c, 0x87, 0x24, 0xe0, 0x6d)
#define EFI_RNG_PROTOCOL_GUID			EFI_GUID(0x3152bca5, 0xeade, 0x433d,  0x86, 0x2e, 0xc0, 0x1c, 0xdc, 0x29, 0x1f, 0x44)
#define EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL_GUID	EFI_GUID(0x387477c2, 0x69c7, 0x11d2,  0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b)
#define DEVICE_TREE_GUID			EFI_GUID(0xb1b621d5, 0xf19c, 0x41a5,  0x83, 0x0b, 0xd9, 0x15, 0x2c, 0x69, 0xaa, 0xe0)
#define ACPI_20_TABLE_GUID			EFI_GUID(0x8868e871, 0xe4f1, 0x11d3,  0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81)
#define SMBIOS3_TABLE_GUID			EFI_GUID(0xf2fd1544, 0x9794, 0x4a2c,  0x99, 0x2e, 0xe5, 0xbb, 0xcf, 0x20, 0xe3, 0x94)
#define LINUX_EFI_INITRD_MEDIA_GUID		EFI_GUID(0x5568e427, 0x68fc, 0x4f3d,  0xac, 0x74, 0xca, 0x55, 0x52, 0x31, 0xcc, 0x68)

#endif /* __EFI_EMULATOR_EFI_TYPES_H */
