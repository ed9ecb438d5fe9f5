/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of the EFI boot-services emulator.
 *
 * The generic code is built three ways: freestanding for the kexec reboot
 * path, natively on the build host for unit tests and fuzzing, and as an
 * aarch64 Linux program that runs a real EFI stub.  The host build is
 * x86_64, where UEFI functions use the Microsoft calling convention
 * (__efiapi, efi_types.h): the unit tests call every service that way.  Memory is identity
 * mapped in all three (the kexec path builds an identity map, the host
 * harnesses mmap the memory map's RAM at its own addresses), so a physical
 * address and a pointer convert with a cast: emu_ptr() and emu_addr() are
 * the only places that know.
 */
#ifndef __EFI_EMULATOR_H
#define __EFI_EMULATOR_H

#include <linux/efi_emulator.h>
#include <linux/types.h>
#include "efi_types.h"

#if defined(EMU_FREESTANDING)
/*
 * Position independent without a GOT: every symbol is local to the blob,
 * as in arch/arm64/kernel/pi (include/linux/hidden.h).
 */
#pragma GCC visibility push(hidden)
size_t strlen(const char *s);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strnlen(const char *s, size_t max);
char *strrchr(const char *s, int c);
#elif defined(__KERNEL__)
/* pe.c, lib.c, memory.c and param.c are built for the kernel too (kern-*.o). */
#include <linux/string.h>
#else
#include <string.h>
#endif

#define EMU_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BUILD_CHECK(cond) ((void)sizeof(char[1 - 2 * !(cond)]))

/* The one machine type this build serves (host tests emulate arm64). */
#if defined(__aarch64__) || defined(EMU_HOST_TEST)
#define EMU_PE_MACHINE 0xaa64 /* IMAGE_FILE_MACHINE_ARM64 */
#elif defined(__x86_64__)
#define EMU_PE_MACHINE 0x8664 /* IMAGE_FILE_MACHINE_AMD64 */
#else
#error "efi_emulator: no PE machine type for this architecture"
#endif

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
efi_status_t emu_utf8_to_utf16(const char *src, size_t len, efi_char16_t *dst,
			       size_t *dst_len);
u64 emu_us_to_ticks(u64 freq, u64 us);

/* memory.c: the memory map and the page and pool allocators */

/* The region was handed out by the emulator and may be freed. */
#define EMU_REGION_OWNED 0x1
/* virt is the first boot's virtual address of the region (0 is one too). */
#define EMU_REGION_VIRT 0x2

struct emu_region {
	u64 start;
	u64 pages;
	u64 virt;
	u64 attr;
	u32 type;
	u32 flags;
	u32 rt_order; /* runtime regions the host added: 1, 2, ... */
	u32 pad;
};

struct emu_memory {
	struct emu_region *map; /* sorted by start, never overlapping */
	u32 count;
	u32 max;
	u64 key; /* changes on every change of the map */
	u32 rt_added; /* runtime regions emu_mem_add() numbered */
	u64 rt_granule; /* bytes: unit of runtime and reserved allocations */
};

/* UEFI 2.10, 2.3.6: 64 KiB on AArch64; a page elsewhere. */
#ifdef __aarch64__
#define EMU_RT_GRANULE 0x10000ULL
#else
#define EMU_RT_GRANULE EFI_PAGE_SIZE
#endif

/*
 * What GetMemoryMap() reports as descriptor size: larger than the struct
 * on purpose, as EDK2 does, so callers must honour it.
 */
#define EMU_DESC_SIZE 48

void emu_mem_init(struct emu_memory *m, struct emu_region *storage, u32 max);
efi_status_t emu_mem_add(struct emu_memory *m, u64 start, u64 pages, u32 type,
			 u64 attr, u64 virt);
efi_status_t emu_mem_add_virt(struct emu_memory *m, u64 start, u64 pages,
			      u32 type, u64 attr, u64 virt);
efi_status_t emu_mem_reserve(struct emu_memory *m, u64 start, u64 pages,
			     u32 type);
efi_status_t emu_mem_keep(struct emu_memory *m, u64 start, u64 size,
			  u32 type);
bool emu_mem_readable(struct emu_memory *m, u64 pa, u64 len);
efi_status_t emu_alloc_aligned(struct emu_memory *m, u32 type, u64 pages,
			       u64 align, u64 max_addr, u64 *addr);
efi_status_t emu_allocate_pages(struct emu_memory *m, int alloc_type,
				u32 mem_type, u64 pages, u64 *addr);
u64 emu_mem_round(const struct emu_memory *m, u32 type, u64 pages);
u32 emu_mem_type_at(struct emu_memory *m, u64 addr);
efi_status_t emu_free_pages(struct emu_memory *m, u64 addr, u64 pages);
efi_status_t emu_get_memory_map(struct emu_memory *m, unsigned long *size,
				efi_memory_desc_t *map, unsigned long *key,
				unsigned long *desc_size, u32 *desc_version);
efi_status_t emu_allocate_pool(struct emu_memory *m, u32 type,
			       unsigned long size, void **buf);
efi_status_t emu_free_pool(struct emu_memory *m, void *buf);
bool emu_pool_pages(struct emu_memory *m, void *buf, u64 *base, u64 *pages);

/* The regions the emulator's map holds at most. */
#define EMU_MAX_REGIONS 1024

/* param.c: the blob's memory map (include/linux/efi_emulator.h) */
efi_status_t emu_seed_memory(struct emu_memory *m,
			     const struct efi_emulator_param *p, u32 *bad);

/* pe.c: PE/COFF validation, loading and base relocation */
struct emu_pe_info {
	u16 machine;
	u16 subsystem;
	u16 nr_sections;
	u32 sections_offset; /* file offset of the section table */
	u64 image_base; /* preferred load address */
	u32 image_size; /* SizeOfImage */
	u32 header_size; /* SizeOfHeaders */
	u32 section_align;
	u32 entry; /* RVA of the entry point */
	u32 reloc_rva; /* base relocation directory, 0 if none */
	u32 reloc_size;
};

/* Largest SizeOfImage accepted: far above any kernel, far below harm. */
#define EMU_PE_MAX_IMAGE (512U << 20)

efi_status_t emu_pe_parse(const void *file, u64 size, u16 machine,
			  struct emu_pe_info *pe, const char **why);
efi_status_t emu_pe_load(const void *file, u64 size,
			 const struct emu_pe_info *pe, void *dst, u64 dst_size,
			 const char **why);
efi_status_t emu_pe_check_relocs(const void *file, const struct emu_pe_info *pe,
				 const char **why);
efi_status_t emu_pe_relocate(void *image, const struct emu_pe_info *pe,
			     u64 new_base, const char **why);
bool emu_pe_find_section(const void *file, const struct emu_pe_info *pe,
			 const char *name, u32 *offset, u32 *size);
u32 emu_pe_count_sections(const void *file, const struct emu_pe_info *pe,
			  const char *name);
/* Nesting of Unified Kernel Images: a UKI whose .linux is a UKI, at most. */
#define UKI_MAX_DEPTH 3
bool emu_pe_is_kernel(const void *file, u64 size, u16 machine);
const char *emu_pe_linux_kind(const void *file, u64 size, u16 machine,
			      const char **why);
void emu_pe_section(const void *file, const struct emu_pe_info *pe, u32 i,
		    u32 *rva, u32 *size, u32 *flags);

/* console.c */
__printf(1, 2) void emu_printf(const char *fmt, ...);
efi_status_t emu_console_init(void);

/* handle.c: the handle and protocol database */
#define EMU_MAX_PROTOCOLS 8

/*
 * OpenProtocol() records of one protocol (UEFI 2.10, 7.3), as
 * OpenProtocolInformation() reports them.  TEST_PROTOCOL opens are not
 * recorded; when the table is full, BY_HANDLE_PROTOCOL and GET_PROTOCOL
 * opens still succeed unrecorded (they exclude nobody), the others fail.
 */
#define EMU_MAX_OPENS 8

struct emu_protocol {
	efi_guid_t guid;
	void *iface;
	struct emu_image *owner; /* the image running when it was installed */
	u32 nr_opens;
	struct efi_open_protocol_information_entry opens[EMU_MAX_OPENS];
};

struct emu_handle {
	u64 magic;
	struct emu_handle *next;
	u32 nr;
	struct emu_protocol proto[EMU_MAX_PROTOCOLS];
};

/* Longest device path the emulator walks. */
#define EMU_MAX_PATH_SIZE 4096

struct emu_handle *emu_handle_get(efi_handle_t h);
struct emu_protocol *emu_handle_proto(struct emu_handle *h,
				      const efi_guid_t *guid);
void *emu_search_protocol(struct emu_handle *h, const efi_guid_t *guid);
efi_status_t emu_install_protocol(efi_handle_t *handle, const efi_guid_t *guid,
				  void *iface);
efi_status_t emu_uninstall_protocol(efi_handle_t handle, const efi_guid_t *guid,
				    void *iface);
void emu_remove_protocol(efi_handle_t handle, const efi_guid_t *guid);
void emu_close_opens_of(efi_handle_t agent);
size_t emu_device_path_size(const struct efi_device_path *dp, size_t max);

efi_status_t emu_install_protocol_interface(efi_handle_t *handle,
					    efi_guid_t *guid, int type,
					    void *iface);
efi_status_t emu_reinstall_protocol_interface(efi_handle_t handle,
					      efi_guid_t *guid, void *old_iface,
					      void *new_iface);
efi_status_t emu_uninstall_protocol_interface(efi_handle_t handle,
					      efi_guid_t *guid, void *iface);
efi_status_t emu_handle_protocol(efi_handle_t handle, efi_guid_t *guid,
				 void **iface);
efi_status_t emu_open_protocol(efi_handle_t handle, efi_guid_t *guid,
			       void **iface, efi_handle_t agent,
			       efi_handle_t controller, u32 attrs);
efi_status_t emu_close_protocol(efi_handle_t handle, efi_guid_t *guid,
				efi_handle_t agent, efi_handle_t controller);
efi_status_t
emu_open_protocol_information(efi_handle_t handle, efi_guid_t *guid,
			      struct efi_open_protocol_information_entry **entries,
			      unsigned long *count);
efi_status_t emu_protocols_per_handle(efi_handle_t handle, efi_guid_t ***guids,
				      unsigned long *count);
efi_status_t emu_locate_handle(int search, efi_guid_t *guid, void *key,
			       unsigned long *size, efi_handle_t *buffer);
efi_status_t emu_locate_handle_buffer(int search, efi_guid_t *guid, void *key,
				      unsigned long *count,
				      efi_handle_t **buffer);
efi_status_t emu_locate_protocol(efi_guid_t *guid, void *registration,
				 void **iface);
efi_status_t emu_locate_device_path(const efi_guid_t *guid,
				    struct efi_device_path **path,
				    efi_handle_t *device);
efi_status_t emu_install_multiple_protocol_interfaces(efi_handle_t *handle,
						      efi_va_list args);
efi_status_t emu_uninstall_multiple_protocol_interfaces(efi_handle_t handle,
							efi_va_list args);

/* image.c: LoadImage() and friends */
struct emu_image {
	efi_loaded_image_t li;
	u64 magic;
	struct emu_handle *handle;
	u64 base; /* allocation holding the image */
	u64 pages;
	efi_status_t (__efiapi *entry)(efi_handle_t image,
				       efi_system_table_t *systab);
	bool started;
	efi_status_t exit_status;
	efi_char16_t *exit_data; /* from Exit(), for StartImage() */
	unsigned long exit_data_size;
	void *jmp[5]; /* __builtin_setjmp buffer */
	struct emu_image *prev_running;
	struct efi_device_path *path; /* copy of the path it came from */
	bool kernel; /* the kernel itself (emu_pe_is_kernel()) */
	efi_char16_t *options; /* LoadOptions with the kernel arguments */
};

efi_status_t emu_load_image_buffer(efi_handle_t parent, const void *buf,
				   u64 size, struct efi_device_path *path,
				   efi_handle_t *handle);
efi_status_t emu_load_image(bool boot_policy, efi_handle_t parent,
			    struct efi_device_path *path, void *src,
			    unsigned long size, efi_handle_t *image);
efi_status_t emu_start_image(efi_handle_t image, unsigned long *exit_data_size,
			     efi_char16_t **exit_data);
efi_status_t emu_exit(efi_handle_t image, efi_status_t status,
		      unsigned long exit_data_size, efi_char16_t *exit_data);
void emu_exit_data_string(const efi_char16_t *data, unsigned long size,
			  char *buf, size_t len);
efi_status_t emu_unload_image(efi_handle_t image);

/* systab.c: the system table and configuration tables */
#define EMU_MAX_CONFIG_TABLES 32

/* Runtime memory comes in 64 KiB blocks on AArch64 (UEFI 2.10, 2.3.6). */
#define EMU_RT_SIZE 0x10000ULL

/* What the host passes on of the firmware around the emulator. */
struct emu_firmware {
	void *runtime; /* the first boot's runtime services table, or NULL */
	u32 rt_mask; /* EFI_RT_SUPPORTED_* of @runtime that work */
	u64 rt_base; /* EMU_RT_SIZE of EfiRuntimeServicesData, or 0 */
};

efi_status_t emu_systab_init(const struct emu_firmware *fw);
void emu_systab_update_crc(void);
void emu_systab_exit_boot_services(void);
efi_status_t emu_keep_memreserve(u64 root);
efi_status_t emu_install_configuration_table(efi_guid_t *guid, void *table);

/* boottime.c: the boot services table, events and the rest */
struct emu_event {
	u64 magic;
	struct emu_event *next;
	u32 type;
	bool signaled;
	bool exit_boot_services; /* signalled by ExitBootServices() */
	efi_event_notify_t notify;
	void *ctx;
};

void emu_boottime_init(void);
efi_status_t emu_create_event(u32 type, efi_event_notify_t notify, void *ctx,
			      efi_event_t *event);

/* load_file2.c, rng.c and smbios.c */
efi_status_t emu_install_initrd(u64 base, u64 size);
efi_status_t emu_install_rng(void);

/* memattr.c: page permissions and EFI_MEMORY_ATTRIBUTE_PROTOCOL */
efi_status_t emu_mem_protect(u64 base, u64 size, u64 attrs);
void emu_protect_allocation(u64 base, u64 pages, u32 type);
void emu_protect_image(u64 base, u64 pages, const void *file,
		       const struct emu_pe_info *pe);
efi_status_t emu_install_memattr(void);
void emu_memattr_report(void);
efi_status_t emu_install_smbios(void);
efi_status_t emu_install_dt_fixup(void);

/*
 * What the host of the emulator supplies: the kexec reboot path, the unit
 * tests and the user-space stub runner each have their own.
 */
struct emu_platform_ops {
	/* Console output; NULL runs silently. */
	void (*write)(const char *s, size_t len);
	/* Random bytes; NULL means no EFI_RNG_PROTOCOL. */
	efi_status_t (*get_random)(void *buf, size_t len);
	/* Make freshly written code executable (cache maintenance). */
	void (*sync_code)(void *start, size_t len);
	/* Busy-wait; NULL makes Stall() return at once. */
	void (*delay_us)(unsigned long us);
	/* ExitBootServices() succeeded: the payload owns the machine now. */
	void (*exit_boot_services)(void);
	/*
	 * Page permissions, as EFI_MEMORY_RP, _RO and _XP bits, of whole
	 * mapped pages: set_attrs() sets @set and clears @clear on every
	 * page of the range; get_attrs() fails with EFI_NO_MAPPING unless
	 * all of them are mapped alike.  Both NULL: permissions stay as
	 * the platform made them and EFI_MEMORY_ATTRIBUTE_PROTOCOL is not
	 * offered.
	 */
	efi_status_t (*set_attrs)(u64 base, u64 size, u64 set, u64 clear);
	efi_status_t (*get_attrs)(u64 base, u64 size, u64 *attrs);
	/*
	 * Reset the machine; never returns.  Only emu_fatal() calls it: the
	 * kexec path's entry code must have it, the host harnesses, which
	 * do not run start.c's path, need not.
	 */
	void (*reset)(void);
};

/*
 * Boot service trace: how often a payload called each service and which
 * protocols it asked for, so a run can report what it needed.  Only the
 * table's entries (boottime.c) count; the implementations they call,
 * declared above, are the emulator's own way in and leave no trace.
 */
/* The boot services in table order (UEFI 2.10, 4.4). */
enum emu_bs_id {
	EMU_BS_raise_tpl,
	EMU_BS_restore_tpl,
	EMU_BS_allocate_pages,
	EMU_BS_free_pages,
	EMU_BS_get_memory_map,
	EMU_BS_allocate_pool,
	EMU_BS_free_pool,
	EMU_BS_create_event,
	EMU_BS_set_timer,
	EMU_BS_wait_for_event,
	EMU_BS_signal_event,
	EMU_BS_close_event,
	EMU_BS_check_event,
	EMU_BS_install_protocol_interface,
	EMU_BS_reinstall_protocol_interface,
	EMU_BS_uninstall_protocol_interface,
	EMU_BS_handle_protocol,
	EMU_BS_reserved,
	EMU_BS_register_protocol_notify,
	EMU_BS_locate_handle,
	EMU_BS_locate_device_path,
	EMU_BS_install_configuration_table,
	EMU_BS_load_image,
	EMU_BS_start_image,
	EMU_BS_exit,
	EMU_BS_unload_image,
	EMU_BS_exit_boot_services,
	EMU_BS_get_next_monotonic_count,
	EMU_BS_stall,
	EMU_BS_set_watchdog_timer,
	EMU_BS_connect_controller,
	EMU_BS_disconnect_controller,
	EMU_BS_open_protocol,
	EMU_BS_close_protocol,
	EMU_BS_open_protocol_information,
	EMU_BS_protocols_per_handle,
	EMU_BS_locate_handle_buffer,
	EMU_BS_locate_protocol,
	EMU_BS_install_multiple_protocol_interfaces,
	EMU_BS_uninstall_multiple_protocol_interfaces,
	EMU_BS_calculate_crc32,
	EMU_BS_copy_mem,
	EMU_BS_set_mem,
	EMU_BS_create_event_ex,
	EMU_BS_COUNT
};

#define EMU_MAX_TRACED_GUIDS 24

struct emu_guid_trace {
	efi_guid_t guid;
	u32 asked;
	u32 found;
};

/*
 * The one state of the emulator, and the one way to it: the global emu.
 * Boot services cannot be handed a context (their signatures are UEFI's),
 * so nothing else is either.  The host supplies the storage once, to
 * emu_set_platform() or emu_init(), which point emu at it; no other
 * function of the emulator takes a struct emulator.
 */
struct emulator {
	const struct emu_platform_ops *ops;
	struct emu_memory mem;
	struct emu_handle *handles;
	efi_system_table_t *systab;
	efi_config_table_t *tables;
	efi_boot_services_t bs;
	efi_simple_text_output_protocol_t con_out;
	efi_simple_text_output_mode_t con_mode;
	struct efi_simple_text_input_protocol con_in;
	efi_handle_t con_handle;
	struct emu_image *running; /* image StartImage() is in */
	struct emu_event *events;
	unsigned long tpl;
	u64 monotonic;
	bool boot_services_exited;
	u32 calls[EMU_BS_COUNT];
	u64 unsupported_logged;
	u64 after_exit_logged;	/* services called after ExitBootServices() */
	struct emu_guid_trace guids[EMU_MAX_TRACED_GUIDS];
	/* initrd served over LoadFile2 */
	efi_load_file2_protocol_t initrd_lf2;
	u64 initrd_base;
	u64 initrd_size;
	efi_rng_protocol_t rng;
	efi_memory_attribute_protocol_t memattr;
	u32 memattr_calls[3];	/* get, set, clear */
	/* EFI_SMBIOS_PROTOCOL over the first boot's table (smbios.c) */
	struct {
		efi_smbios_protocol_t proto;
		u64 base;
		u32 size;
	} smbios;
	/* EFI_DT_FIXUP_PROTOCOL with the host's DT (dt_fixup.c) */
	struct {
		efi_dt_fixup_protocol_t proto;
		const void *host;
	} dt;
	/* appended to the kernel's LoadOptions (emu_set_kernel_args()) */
	const efi_char16_t *kernel_args;
	u32 kernel_args_len; /* UTF-16 units, without the NUL */
	/* runtime services handed on (systab.c) */
	struct {
		u64 base; /* the block holding the system table */
		void *fw_svam; /* the first boot's SetVirtualAddressMap() */
		u32 mask; /* EFI_RT_SUPPORTED_* once the mapping holds */
		bool needs_svam; /* the first boot's mapping is not 1:1 */
		bool remapped; /* SetVirtualAddressMap() kept that mapping */
	} rt;
};

extern struct emulator *emu;

void emu_trace_guid(const efi_guid_t *guid, bool found);
const char *emu_bs_name(enum emu_bs_id id);

/* emu.c: bring-up and the hand-over to the payload */
void emu_set_platform(struct emulator *e, const struct emu_platform_ops *ops);
efi_status_t emu_init(struct emulator *e, const struct emu_platform_ops *ops,
		      const struct emu_firmware *fw);
efi_status_t emu_boot(const void *pe, u64 size, const efi_char16_t *cmdline,
		      u32 cmdline_size);
void emu_set_kernel_args(const efi_char16_t *args, u32 size);

/* start.c: from the parameter blob to the payload, for the entry code */

/*
 * Is @p a parameter blob of this emulator's ABI?  Nothing in a blob of
 * another version can be trusted, not even its console: the entry code
 * stops the CPU without a word when it is not.  Inline: the entry code
 * asks before its MMU is on (arm64: built with -mstrict-align).
 */
static inline bool emu_param_valid(const struct efi_emulator_param *p)
{
	return p->magic == EFI_EMULATOR_PARAM_MAGIC &&
	       p->version == EFI_EMULATOR_VERSION;
}

/*
 * UEFI 2.10, 2.3.4.1 and 2.3.6.1: x64 and AArch64 firmware give at least
 * 128 KiB of stack.
 */
#define EMU_STACK_SIZE	(128 * 1024)

#ifdef EMU_FREESTANDING
/* emulator.lds: the image, and its relocations (reloc.c) */
struct elf64_rela {
	u64 offset;
	u64 info;
	s64 addend;
};

extern char emu_head[], _end[];
extern const struct elf64_rela __rela_start[], __rela_end[];

void emu_relocate(u64 base);
#endif

void __noreturn emu_fatal(const char *what, efi_status_t status);
void emu_start(const struct efi_emulator_param *p);
u64 emu_alloc_stack(u64 size, u64 *guard);
void __noreturn emu_run(const struct efi_emulator_param *p);

#endif /* __EFI_EMULATOR_H */
