// SPDX-License-Identifier: GPL-2.0
/*
 * From the parameter blob to the payload: what every architecture's entry
 * does once the CPU is set up.  The entry code (arm64/main.c) checks the
 * blob (emu_param_valid()), makes its platform hooks current, turns on
 * the MMU and its console, then calls emu_start() for the memory map and
 * emu_alloc_stack() for the stack the payload runs on, and on that stack
 * emu_run(), which builds the tables and boots the payload.  Nothing here
 * returns on failure: emu_fatal() reports and resets through the
 * platform's reset hook, since after kexec -e there is nobody to return to.
 */
#include <linux/efi_emulator.h>
#include "emulator.h"

static struct emu_region regions[EMU_MAX_REGIONS];

/**
 * emu_fatal() - report a failure and reset the machine
 * @what:	what failed
 * @status:	its status
 */
void __noreturn emu_fatal(const char *what, efi_status_t status)
{
	emu_printf("efi-emu: %s (status 0x%lx); resetting\n", what, status);
	emu->ops->reset();
	__builtin_unreachable();
}

static const void *blob_at(const struct efi_emulator_param *p, u32 offset)
{
	return (const u8 *)p + offset;
}

static void seed_memory_map(const struct efi_emulator_param *p)
{
	const struct efi_emulator_memdesc *d;
	efi_status_t status;
	bool reserved;
	u32 bad;

	emu_mem_init(&emu->mem, regions, EMU_MAX_REGIONS);
	status = emu_seed_memory(&emu->mem, p, &bad);
	if (status == EFI_SUCCESS)
		return;
	reserved = bad >= p->memmap_count;
	if (reserved)
		bad -= p->memmap_count;
	d = blob_at(p, reserved ? p->reserved_offset : p->memmap_offset);
	emu_printf("efi-emu: %s %u: %llx+%llx pages\n",
		   reserved ? "reserved range" : "memory map entry", bad,
		   (unsigned long long)d[bad].phys_addr,
		   (unsigned long long)d[bad].num_pages);
	emu_fatal("bad memory map from the kernel", status);
}

/*
 * The memreserve list as it is now: what CPUs brought online since the
 * load added to it must stay out of what the payload gets.
 */
static void keep_memreserve(const struct efi_emulator_param *p)
{
	static const efi_guid_t guid = LINUX_EFI_MEMRESERVE_TABLE_GUID;
	const struct efi_emulator_table *t = blob_at(p, p->tables_offset);
	efi_status_t status;
	u32 i;

	for (i = 0; i < p->tables_count; i++) {
		if (memcmp(t[i].guid, &guid, sizeof(guid)))
			continue;
		status = emu_keep_memreserve(t[i].addr);
		if (status != EFI_SUCCESS)
			emu_fatal("cannot keep the memreserve list", status);
	}
}

/**
 * emu_start() - build the memory map the blob describes
 * @p:	the blob, checked by emu_param_valid()
 *
 * The map of the blob, less the ranges in use and, unless the payload is
 * a crash kernel (whose memory holds none of it), the memreserve list.
 * A map the emulator cannot take is reported and the machine reset.
 */
void emu_start(const struct efi_emulator_param *p)
{
	seed_memory_map(p);
	if (!(p->flags & EFI_EMULATOR_F_CRASH))
		keep_memreserve(p);
}

/**
 * emu_alloc_stack() - the stack the emulator and its payload run on
 * @size:	bytes, a multiple of EFI_PAGE_SIZE
 * @guard:	out: the inaccessible page below it
 *
 * Boot services data from the map, above a guard page that every access
 * faults on (when the platform sets page permissions), so an overflow is
 * an exception the entry code reports instead of a write over the
 * emulator's state.
 *
 * Return: the top of the stack.
 */
u64 emu_alloc_stack(u64 size, u64 *guard)
{
	efi_status_t status;
	u64 base;

	status = emu_alloc_aligned(&emu->mem, EFI_BOOT_SERVICES_DATA,
				   (size + EFI_PAGE_SIZE) >> EFI_PAGE_SHIFT,
				   EFI_PAGE_SIZE, ~0ULL, &base);
	if (status != EFI_SUCCESS)
		emu_fatal("no memory for the stack", status);
	*guard = 0;
	if (emu->ops->set_attrs) {
		status = emu->ops->set_attrs(base, EFI_PAGE_SIZE,
					     EFI_MEMORY_RP | EFI_MEMORY_RO |
					     EFI_MEMORY_XP, 0);
		if (status != EFI_SUCCESS)
			emu_fatal("cannot unmap the stack guard page", status);
		*guard = base;
	}
	return base + EFI_PAGE_SIZE + size;
}

static void install_tables(const struct efi_emulator_param *p)
{
	static const efi_guid_t dtb_guid = DEVICE_TREE_GUID;
	const struct efi_emulator_table *t = blob_at(p, p->tables_offset);
	efi_guid_t guid;
	u32 i;

	if (p->dtb_base)
		emu_install_configuration_table((efi_guid_t *)&dtb_guid,
						emu_ptr(p->dtb_base));
	for (i = 0; i < p->tables_count; i++) {
		memcpy(&guid, t[i].guid, sizeof(guid));
		emu_install_configuration_table(&guid, emu_ptr(t[i].addr));
	}
}

/**
 * emu_run() - set up boot services and boot the payload
 * @p:	the blob, after emu_start()
 *
 * Boot services, the system table with the first boot's runtime services
 * (none for a crash kernel) and configuration tables, the protocols, the
 * initrd, the kernel arguments; then the PE image is started with the
 * blob's command line.  It does not come back: a payload that returns or
 * cannot start is reported and the machine reset.
 */
void __noreturn emu_run(const struct efi_emulator_param *p)
{
	struct emu_firmware fw = { };
	efi_status_t status;

	fw.rt_base = p->rt_base;
	if (p->flags & EFI_EMULATOR_F_CRASH) {
		emu_printf("efi-emu: crash kernel: runtime services withheld\n");
	} else {
		fw.runtime = emu_ptr(p->runtime);
		fw.rt_mask = p->runtime_supported;
	}
	status = emu_init(emu, emu->ops, &fw);
	if (status != EFI_SUCCESS)
		emu_fatal("cannot set up boot services", status);
	if (emu->rt.needs_svam)
		emu_printf("efi-emu: runtime services at the first boot's VAs\n");
	install_tables(p);
	status = emu_install_smbios();
	if (status != EFI_SUCCESS)
		emu_fatal("cannot install the SMBIOS protocol", status);
	status = emu_install_dt_fixup();
	if (status != EFI_SUCCESS)
		emu_fatal("cannot install the DT fixup protocol", status);
	status = emu_install_initrd(p->initrd_base, p->initrd_size);
	if (status != EFI_SUCCESS)
		emu_fatal("cannot install the initrd", status);
	if (p->kernel_args_size)
		emu_set_kernel_args(blob_at(p, p->kernel_args_offset),
				    p->kernel_args_size);
	status = emu_boot(emu_ptr(p->pe_base), p->pe_size,
			  blob_at(p, p->cmdline_offset), p->cmdline_size);
	emu_fatal("the PE image did not boot", status);
}
