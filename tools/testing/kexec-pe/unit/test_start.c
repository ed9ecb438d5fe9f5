// SPDX-License-Identifier: GPL-2.0
/*
 * The path every architecture's entry takes from the parameter blob to
 * the payload (start.c): the memory map and memreserve list, the stack
 * and its guard page, the tables and protocols, and the report and reset
 * that end every failure.  The platform's reset hook jumps back into the
 * test.
 */
#include <setjmp.h>
#include <string.h>
#include <sys/mman.h>
#include "emulator.h"
#include "kselftest_harness.h"

#define RAM_SIZE	(16UL << 20)

static char console[4096];
static size_t console_len;
static sigjmp_buf at_reset;
static int resets;
static struct {
	u64 base, size, set, clear;
	int calls;
} attrs;

static void host_write(const char *s, size_t len)
{
	if (console_len + len < sizeof(console)) {
		memcpy(console + console_len, s, len);
		console_len += len;
		console[console_len] = 0;
	}
}

static void host_reset(void)
{
	resets++;
	siglongjmp(at_reset, 1);
}

static efi_status_t host_set_attrs(u64 base, u64 size, u64 set, u64 clear)
{
	attrs.base = base;
	attrs.size = size;
	attrs.set = set;
	attrs.clear = clear;
	attrs.calls++;
	return EFI_SUCCESS;
}

static const struct emu_platform_ops host_ops = {
	.write = host_write,
	.reset = host_reset,
};

static const struct emu_platform_ops attr_ops = {
	.write = host_write,
	.reset = host_reset,
	.set_attrs = host_set_attrs,
};

/* Run @fn on @p: did it end in the platform's reset? */
static noinline bool resets_on(void (*fn)(const struct efi_emulator_param *p),
			       const struct efi_emulator_param *p)
{
	if (sigsetjmp(at_reset, 1))
		return true;
	fn(p);
	return false;
}

static u64 stack_top, stack_guard;

static void alloc_stack(const struct efi_emulator_param *p)
{
	stack_top = emu_alloc_stack(p->pe_size, &stack_guard);
}

static int count_tables(const efi_system_table_t *st, const efi_guid_t *g)
{
	unsigned long i;
	int n = 0;

	for (i = 0; i < st->nr_tables; i++)
		n += !memcmp(&st->tables[i].guid, g, sizeof(*g));
	return n;
}

/* A memreserve list node (struct linux_efi_memreserve) of one entry. */
struct test_rsv {
	s32 size;
	s32 count;
	u64 next;
	u64 base;
	u64 len;
};

/* A blob: two memory map entries, one range in use, one table. */
struct test_blob {
	struct efi_emulator_param p;
	efi_char16_t cmdline[8];
	struct efi_emulator_memdesc map[2];
	struct efi_emulator_memdesc in_use;
	struct efi_emulator_table table;
};

FIXTURE(start) {
	struct emulator e;
	struct test_blob b;
	u8 *ram;
};

FIXTURE_SETUP(start)
{
	static const efi_guid_t mr = LINUX_EFI_MEMRESERVE_TABLE_GUID;
	struct efi_emulator_param *p = &self->b.p;
	u64 ram;

	self->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->ram);
	ram = emu_addr(self->ram);
	memset(&self->e, 0, sizeof(self->e));
	memset(&self->b, 0, sizeof(self->b));
	memset(&attrs, 0, sizeof(attrs));
	console_len = 0;
	console[0] = 0;
	resets = 0;
	emu_set_platform(&self->e, &host_ops);

	p->magic = EFI_EMULATOR_PARAM_MAGIC;
	p->version = EFI_EMULATOR_VERSION;
	p->size = sizeof(self->b);
	p->cmdline_offset = offsetof(struct test_blob, cmdline);
	p->cmdline_size = sizeof(self->b.cmdline);
	memcpy(self->b.cmdline, u"quiet", sizeof(u"quiet"));
	/* RAM, then a reserved region above it */
	p->memmap_offset = offsetof(struct test_blob, map);
	p->memmap_count = 2;
	self->b.map[0] = (struct efi_emulator_memdesc){
		.type = EFI_CONVENTIONAL_MEMORY, .phys_addr = ram,
		.num_pages = RAM_SIZE / EFI_PAGE_SIZE - 16,
		.attribute = EFI_MEMORY_WB };
	self->b.map[1] = (struct efi_emulator_memdesc){
		.type = EFI_RESERVED_TYPE,
		.phys_addr = ram + RAM_SIZE - 16 * EFI_PAGE_SIZE,
		.num_pages = 16 };
	/* the runtime block, in use */
	p->reserved_offset = offsetof(struct test_blob, in_use);
	p->reserved_count = 1;
	self->b.in_use = (struct efi_emulator_memdesc){
		.type = EFI_RUNTIME_SERVICES_DATA, .phys_addr = ram,
		.num_pages = EMU_RT_SIZE / EFI_PAGE_SIZE };
	p->rt_base = ram;
	/* the memreserve list, one node keeping one page */
	p->tables_offset = offsetof(struct test_blob, table);
	p->tables_count = 1;
	memcpy(self->b.table.guid, &mr, sizeof(mr));
	self->b.table.addr = ram + 0x20000;
	*(struct test_rsv *)(self->ram + 0x20000) = (struct test_rsv){
		.size = 1, .count = 1, .base = ram + 0x100000,
		.len = EFI_PAGE_SIZE };
}

FIXTURE_TEARDOWN(start)
{
	munmap(self->ram, RAM_SIZE);
}

TEST_F(start, param_valid)
{
	EXPECT_TRUE(emu_param_valid(&self->b.p));
	self->b.p.version = EFI_EMULATOR_VERSION - 1;
	EXPECT_FALSE(emu_param_valid(&self->b.p));
	self->b.p.version = EFI_EMULATOR_VERSION;
	self->b.p.magic ^= 1;
	EXPECT_FALSE(emu_param_valid(&self->b.p));
}

TEST_F(start, map_in_use_and_memreserve)
{
	u64 ram = emu_addr(self->ram);

	ASSERT_FALSE(resets_on(emu_start, &self->b.p));
	EXPECT_EQ(EFI_RUNTIME_SERVICES_DATA, emu_mem_type_at(&self->e.mem, ram));
	EXPECT_EQ(EFI_RESERVED_TYPE,
		  emu_mem_type_at(&self->e.mem, ram + RAM_SIZE - EFI_PAGE_SIZE));
	/* the kept range and the node holding it */
	EXPECT_NE(EFI_CONVENTIONAL_MEMORY,
		  emu_mem_type_at(&self->e.mem, ram + 0x100000));
	EXPECT_NE(EFI_CONVENTIONAL_MEMORY,
		  emu_mem_type_at(&self->e.mem, ram + 0x20000));
	EXPECT_EQ(EFI_CONVENTIONAL_MEMORY,
		  emu_mem_type_at(&self->e.mem, ram + 0x101000));
}

/* A crash kernel's memory holds none of the crashed system's list. */
TEST_F(start, crash_kernel_skips_memreserve)
{
	u64 ram = emu_addr(self->ram);

	self->b.p.flags |= EFI_EMULATOR_F_CRASH;
	ASSERT_FALSE(resets_on(emu_start, &self->b.p));
	EXPECT_EQ(EFI_CONVENTIONAL_MEMORY,
		  emu_mem_type_at(&self->e.mem, ram + 0x100000));
}

TEST_F(start, bad_map_reported_then_reset)
{
	/* the reserved region overlaps the RAM below it */
	self->b.map[1].phys_addr -= EFI_PAGE_SIZE;
	EXPECT_TRUE(resets_on(emu_start, &self->b.p));
	EXPECT_EQ(1, resets);
	EXPECT_NE(NULL, strstr(console, "efi-emu: memory map entry 1: "));
	EXPECT_NE(NULL, strstr(console,
			       "efi-emu: bad memory map from the kernel (status 0x"));
	EXPECT_NE(NULL, strstr(console, "); resetting\n"));
}

TEST_F(start, bad_in_use_range_named)
{
	/* in use, but not inside the map's free memory */
	self->b.in_use.phys_addr += RAM_SIZE;
	EXPECT_TRUE(resets_on(emu_start, &self->b.p));
	EXPECT_EQ(1, resets);
	EXPECT_NE(NULL, strstr(console, "efi-emu: reserved range 0: "));
}

TEST_F(start, stack_below_a_guard_page)
{
	emu_set_platform(&self->e, &attr_ops);
	ASSERT_FALSE(resets_on(emu_start, &self->b.p));
	self->b.p.pe_size = 128 * 1024;	/* the size asked, here */
	stack_guard = 1;
	ASSERT_FALSE(resets_on(alloc_stack, &self->b.p));
	EXPECT_EQ(1, attrs.calls);
	EXPECT_EQ(stack_guard, attrs.base);
	EXPECT_EQ(EFI_PAGE_SIZE, attrs.size);
	EXPECT_EQ(EFI_MEMORY_RP | EFI_MEMORY_RO | EFI_MEMORY_XP, attrs.set);
	EXPECT_EQ(stack_guard + EFI_PAGE_SIZE + 128 * 1024, stack_top);
	EXPECT_EQ(EFI_BOOT_SERVICES_DATA,
		  emu_mem_type_at(&self->e.mem, stack_guard));
	EXPECT_EQ(EFI_BOOT_SERVICES_DATA,
		  emu_mem_type_at(&self->e.mem, stack_top - EFI_PAGE_SIZE));
}

TEST_F(start, stack_without_page_permissions)
{
	ASSERT_FALSE(resets_on(emu_start, &self->b.p));
	self->b.p.pe_size = 128 * 1024;
	stack_guard = 1;
	ASSERT_FALSE(resets_on(alloc_stack, &self->b.p));
	EXPECT_EQ(0, stack_guard);
	EXPECT_EQ(0, attrs.calls);
	EXPECT_EQ(EFI_BOOT_SERVICES_DATA,
		  emu_mem_type_at(&self->e.mem, stack_top - EFI_PAGE_SIZE));
}

TEST_F(start, no_memory_for_the_stack)
{
	ASSERT_FALSE(resets_on(emu_start, &self->b.p));
	self->b.p.pe_size = RAM_SIZE;
	EXPECT_TRUE(resets_on(alloc_stack, &self->b.p));
	EXPECT_EQ(1, resets);
	EXPECT_NE(NULL, strstr(console, "efi-emu: no memory for the stack"));
}

/*
 * Everything up to the payload is set up, then a file that is no Linux
 * boot image is refused: reported, and the machine reset.
 */
TEST_F(start, run_sets_up_then_refuses_a_non_linux_image)
{
	static const efi_guid_t mr = LINUX_EFI_MEMRESERVE_TABLE_GUID;
	static const efi_guid_t lf2 = EFI_LOAD_FILE2_PROTOCOL_GUID;
	struct efi_emulator_param *p = &self->b.p;
	efi_system_table_t *st;
	void *iface = NULL;

	memcpy(self->ram + 0x200000, "MZ not a kernel", 16);
	p->pe_base = emu_addr(self->ram) + 0x200000;
	p->pe_size = 4096;
	p->initrd_base = emu_addr(self->ram) + 0x300000;
	p->initrd_size = 4096;
	ASSERT_FALSE(resets_on(emu_start, p));
	EXPECT_TRUE(resets_on(emu_run, p));
	EXPECT_EQ(1, resets);
	EXPECT_NE(NULL, strstr(console, "efi-emu: refusing image: "));
	EXPECT_NE(NULL, strstr(console,
			       "efi-emu: the PE image did not boot (status 0x8000000000000003)"));
	/* the system table in the runtime block, with the blob's table */
	st = self->e.systab;
	ASSERT_NE(NULL, st);
	EXPECT_EQ(emu_addr(self->ram), emu_addr(st) & ~(EMU_RT_SIZE - 1));
	EXPECT_EQ(1, count_tables(st, &mr));
	/* the initrd is served */
	EXPECT_EQ(4096, self->e.initrd_size);
	EXPECT_EQ(EFI_SUCCESS,
		  emu_locate_protocol((efi_guid_t *)&lf2, NULL, &iface));
	EXPECT_EQ(NULL, strstr(console, "crash kernel"));
}

TEST_HARNESS_MAIN
