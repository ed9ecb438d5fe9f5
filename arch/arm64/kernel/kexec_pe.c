// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 side of kexec_file_load() for PE images (kernel/kexec_pe_image.c):
 * the DTB segment, the identity map the EFI emulator runs on (with the
 * console the loader found), the values it writes to MAIR/TCR/SCTLR, its
 * PSCI conduit, and the entry point: arm64_relocate_new_kernel jumps to
 * image->start with x0 = image->arch.dtb_mem, so the emulator is the entry
 * and the parameter blob takes the DTB's place in x0.
 *
 * The page tables live in a segment of their own, placed last.  They use
 * the 4K granule whatever the kernel's page size: UEFI mandates it.  No
 * page is writable and executable: RAM is mapped normal write-back and
 * non-executable, the console UART as device memory, the emulator in 4 KiB
 * pages with its text read-only and executable and the rest of it
 * non-executable; the emulator then makes what it loads executable as
 * the image's sections ask (drivers/firmware/efi/efi_emulator/memattr.c).
 * The first boot's runtime code stays executable and writable, as the
 * kernel maps it without a memory attributes table.
 *
 * A kernel booted at EL2 (VHE, or at EL1 with the hyp stub) enters the
 * next image at EL2, so the emulator then runs at EL2 and gets tables and
 * register values in the EL2 (E2H = 0) format: one XN bit instead of
 * PXN/UXN, AP[1] RES1, PS instead of IPS, SCTLR_EL2's RES1 bits.
 */
#define pr_fmt(fmt)	"kexec_file(PE): " fmt

#include <linux/acpi.h>
#include <linux/arm-smccc.h>
#include <linux/cacheflush.h>
#include <linux/cpufeature.h>
#include <linux/efi.h>
#include <linux/efi_emulator.h>
#include <linux/kexec.h>
#include <linux/libfdt.h>
#include <linux/of.h>
#include <linux/psci.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/archrandom.h>
#include <asm/kvm_arm.h>
#include <asm/sysreg.h>
#include <asm/virt.h>

#define PT_SIZE			SZ_4K
#define PT_ENTRIES		512
#define PT_TABLE		3ULL
#define PT_BLOCK		1ULL
#define PT_PAGE			3ULL
#define PT_ATTRIDX(n)		((u64)(n) << 2)
#define PT_SH_INNER		(3ULL << 8)
#define PT_AP1_EL2		BIT_ULL(6)	/* AP[1]: RES1 at EL2 (E2H = 0) */
#define PT_RDONLY		BIT_ULL(7)	/* AP[2] */
#define PT_AF			BIT_ULL(10)
#define PT_PXN			BIT_ULL(53)
#define PT_UXN			BIT_ULL(54)
#define PT_XN_EL2		BIT_ULL(54)
#define PT_ADDR_MASK		GENMASK_ULL(47, 12)

#define MAIR_IDX_DEVICE		0
#define MAIR_IDX_NORMAL		1
#define MAIR_DEVICE	0x04ULL
#define MAIR_NORMAL_WB		0xffULL

#define PT_RAM	(PT_ATTRIDX(MAIR_IDX_NORMAL) | PT_SH_INNER | PT_AF)
#define PT_DEV	(PT_ATTRIDX(MAIR_IDX_DEVICE) | PT_AF)

/*
 * The tables are built in pages of their own, each known by its offset in
 * the segment they end up in (entries hold that offset until the segment
 * is placed), then laid out one after the other in that segment.
 */
#define PT_MAX_PAGES		2048	/* 8 MiB of tables */

struct pe_pgtable {
	u64 *root;		/* pages[0] */
	u64 **pages;
	u8 *level;
	int nr;
	/* attributes for the entry level: data, code, read-only, device */
	u64 ram, exec, text, rodata, dev;
	u64 hole, hole_end;	/* the emulator: mapped on its own */
};

/* A new, empty table; *@off is its offset in the segment. */
static u64 *pt_alloc(struct pe_pgtable *pt, int level, u64 *off)
{
	u64 *table;

	if (pt->nr == PT_MAX_PAGES)
		return NULL;
	table = (u64 *)get_zeroed_page(GFP_KERNEL);
	if (!table)
		return NULL;
	*off = (u64)pt->nr * PT_SIZE;
	pt->level[pt->nr] = level;
	pt->pages[pt->nr++] = table;
	return table;
}

static void pt_free(struct pe_pgtable *pt)
{
	int i;

	for (i = 0; i < pt->nr; i++)
		free_page((unsigned long)pt->pages[i]);
	kfree(pt->pages);
	kfree(pt->level);
}

/*
 * Map [va, va + size) to pa at @level (0: 512 GiB entries ... 3: 4 KiB),
 * with blocks where alignment allows.  Level 0 has no blocks, level 3
 * only pages.  The tables hold 48-bit addresses.
 */
static int pt_map(struct pe_pgtable *pt, u64 *table, int level, u64 va,
		  u64 pa, u64 size, u64 attrs)
{
	int shift = 39 - 9 * level;
	u64 span = 1ULL << shift, n, off, desc;
	u64 *next;
	int idx, ret;

	if ((va | pa | (size ? va + size - 1 : 0) |
	     (size ? pa + size - 1 : 0)) >> 48)
		return -ERANGE;
	while (size) {
		idx = (va >> shift) & (PT_ENTRIES - 1);
		n = min(size, span - (va & (span - 1)));
		if (level == 3) {
			desc = (pa & PT_ADDR_MASK) | attrs | PT_PAGE;
			/* The same mapping twice (a UART page that is also
			 * runtime MMIO) is no conflict.
			 */
			if (table[idx] && table[idx] != desc)
				return -EEXIST;
			table[idx] = desc;
		} else if (level > 0 && n == span && !(pa & (span - 1)) &&
			   !table[idx]) {
			table[idx] = (pa & PT_ADDR_MASK) | attrs | PT_BLOCK;
		} else {
			if (!table[idx]) {
				next = pt_alloc(pt, level + 1, &off);
				if (!next)
					return -ENOMEM;
				table[idx] = off | PT_TABLE;
			} else if ((table[idx] & 3) != PT_TABLE) {
				/* A block mapping the range alike already. */
				if (table[idx] == (((pa & ~(span - 1)) &
						    PT_ADDR_MASK) | attrs |
						   PT_BLOCK) &&
				    (va & (span - 1)) == (pa & (span - 1)))
					goto next;
				return -EEXIST;
			}
			next = pt->pages[(table[idx] & PT_ADDR_MASK) / PT_SIZE];
			ret = pt_map(pt, next, level + 1, va, pa, n, attrs);
			if (ret)
				return ret;
		}
next:
		va += n;
		pa += n;
		size -= n;
	}
	return 0;
}

/* Identity map RAM, around the emulator's segment. */
static int map_ram(struct pe_pgtable *pt, u64 start, u64 size, u64 attrs)
{
	u64 end = start + size;
	int ret;

	if (end <= pt->hole || start >= pt->hole_end)
		return pt_map(pt, pt->root, 0, start, start, size, attrs);
	if (start < pt->hole) {
		ret = pt_map(pt, pt->root, 0, start, start, pt->hole - start,
			     attrs);
		if (ret)
			return ret;
	}
	if (end <= pt->hole_end)
		return 0;
	return pt_map(pt, pt->root, 0, pt->hole_end, pt->hole_end,
		      end - pt->hole_end, attrs);
}

/*
 * The emulator at @base: text read-only and executable, read-only data,
 * then data, BSS and stack writable, in 4 KiB pages (it splits blocks of
 * the rest of the map, but never its own).
 */
static int map_emulator(struct pe_pgtable *pt, u64 base)
{
	const struct efi_emulator_header *hdr = (const void *)efi_emulator_blob;
	u64 text = le32_to_cpu(hdr->text_size);
	u64 data = le64_to_cpu(hdr->data_offset);
	u64 end = le64_to_cpu(hdr->mem_size), va;
	int ret = 0;

	if (!text || text > data || data > end ||
	    (text | data | end) & (PT_SIZE - 1))
		return -EINVAL;
	for (va = 0; va < end && !ret; va += PT_SIZE)
		ret = pt_map(pt, pt->root, 0, base + va, base + va, PT_SIZE,
			     va < text ? pt->text :
			     va < data ? pt->rodata : pt->ram);
	pt->hole = base;
	pt->hole_end = base + end;
	return ret;
}

/*
 * RAM is identity mapped; runtime regions of the first boot are
 * mapped where its runtime services expect them (their virtual address),
 * device memory as such.  Runtime memory that the first boot moved
 * elsewhere is mapped at its physical address too: the next stub reads
 * the tables in it (SMBIOS, where the firmware put it there) by their
 * physical address.  Nothing else is needed before the payload runs.
 */
static int map_region(struct pe_pgtable *pt,
		      const struct efi_emulator_memdesc *d)
{
	u64 size = d->num_pages << EFI_PAGE_SHIFT;
	u64 attrs = pt->ram;
	int ret;

	/* RAM the kernel maps: the emulator reads the memreserve list. */
	if (efi_emulator_ram_type(d->type))
		return d->attribute & EFI_MEMORY_WB ?
		       map_ram(pt, d->phys_addr, size, pt->ram) : 0;
	if (!(d->attribute & EFI_MEMORY_RUNTIME) ||
	    !(d->flags & EFI_EMULATOR_MD_VIRT))
		return 0;
	if (d->type == EFI_MEMORY_MAPPED_IO ||
	    d->type == EFI_MEMORY_MAPPED_IO_PORT_SPACE ||
	    !(d->attribute & EFI_MEMORY_WB))
		attrs = pt->dev;
	else if (d->type == EFI_RUNTIME_SERVICES_CODE)
		attrs = pt->exec;
	ret = pt_map(pt, pt->root, 0, d->virt_addr, d->phys_addr, size, attrs);
	if (ret || d->virt_addr == d->phys_addr || attrs == pt->dev)
		return ret;
	return pt_map(pt, pt->root, 0, d->phys_addr, d->phys_addr, size, attrs);
}

/*
 * Place the tables in a segment of their own: kexec keeps segments where
 * they were put, kdump's hibernation support saves them with the crash
 * kernel (crash_is_nosave()), and the loader reserves them in the map the
 * payload sees.  Table entries become physical addresses in it.
 */
static int pt_place(struct kimage *image, struct pe_pgtable *pt,
		    unsigned long *mem, void **buf)
{
	struct kexec_buf kbuf = { .image = image };
	u64 *e;
	int i, j, ret;

	kbuf.bufsz = (unsigned long)pt->nr * PT_SIZE;
	kbuf.memsz = ALIGN(kbuf.bufsz, PAGE_SIZE);
	kbuf.buffer = vzalloc(kbuf.memsz);
	if (!kbuf.buffer)
		return -ENOMEM;
	kbuf.buf_align = PAGE_SIZE;
	kbuf.buf_max = ULONG_MAX;
	kbuf.top_down = true;
	kbuf.mem = KEXEC_BUF_MEM_UNKNOWN;
	ret = kexec_add_buffer(&kbuf);
	if (ret) {
		vfree(kbuf.buffer);
		return ret;
	}
	for (i = 0; i < pt->nr; i++) {
		e = pt->pages[i];
		for (j = 0; pt->level[i] < 3 && j < PT_ENTRIES; j++)
			if ((e[j] & 3) == PT_TABLE)
				e[j] = (e[j] & ~PT_ADDR_MASK) |
				       ((kbuf.mem + (e[j] & PT_ADDR_MASK)) &
					PT_ADDR_MASK);
		memcpy(kbuf.buffer + i * PT_SIZE, e, PT_SIZE);
	}
	*buf = kbuf.buffer;
	*mem = kbuf.mem;
	return 0;
}

/*
 * How the emulator calls PSCI SYSTEM_RESET when it fails.  SMCCC 1.1
 * firmware says so directly; PSCI 0.2 firmware (QEMU's, among others)
 * only in its DT node or the ACPI FADT.
 */
static u32 find_psci_conduit(void)
{
	struct device_node *np;
	const char *method;
	u32 conduit = EFI_EMULATOR_CONDUIT_NONE;

	switch (arm_smccc_1_1_get_conduit()) {
	case SMCCC_CONDUIT_HVC:
		return EFI_EMULATOR_CONDUIT_HVC;
	case SMCCC_CONDUIT_SMC:
		return EFI_EMULATOR_CONDUIT_SMC;
	default:
		break;
	}
	/* ACPI: the FADT's ARM boot flags, when PSCI 0.2+ is there at all. */
	if (!acpi_disabled) {
		if (!psci_ops.get_version)
			return EFI_EMULATOR_CONDUIT_NONE;
		return acpi_psci_use_hvc() ? EFI_EMULATOR_CONDUIT_HVC :
					     EFI_EMULATOR_CONDUIT_SMC;
	}
	np = of_find_compatible_node(NULL, NULL, "arm,psci-0.2");
	if (np && !of_property_read_string(np, "method", &method)) {
		if (!strcmp(method, "hvc"))
			conduit = EFI_EMULATOR_CONDUIT_HVC;
		else if (!strcmp(method, "smc"))
			conduit = EFI_EMULATOR_CONDUIT_SMC;
	}
	of_node_put(np);
	return conduit;
}

static u32 psci_conduit(bool el2)
{
	u32 conduit = find_psci_conduit();

	/* At EL2 an HVC would only reach the emulator's own vectors. */
	if (el2 && conduit == EFI_EMULATOR_CONDUIT_HVC)
		conduit = EFI_EMULATOR_CONDUIT_NONE;
	if (conduit == EFI_EMULATOR_CONDUIT_NONE)
		pr_info("no PSCI conduit: the emulator cannot reset on failure\n");
	return conduit;
}

/*
 * At EL2 the emulator runs in the EL2 regime with HCR_EL2.E2H clear: the
 * tables and TCR_EL2 value are in that format.  A CPU without FEAT_E2H0
 * keeps E2H set whatever is written, so the emulator could not run: say
 * so now rather than after kexec -e (for kdump: after the crash).  CPUs
 * that predate ID_AA64MMFR4_EL1.E2H0 are caught by the emulator itself,
 * which reads HCR_EL2 back and reports it before it resets.
 */
static int check_el2_regime(bool el2)
{
	u64 mmfr4 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR4_EL1);
	int e2h0 = cpuid_feature_extract_signed_field(mmfr4,
						ID_AA64MMFR4_EL1_E2H0_SHIFT);

	if (!el2 || e2h0 >= 0)
		return 0;
	pr_err("this CPU has no FEAT_E2H0 (HCR_EL2.E2H is RES1): the emulator cannot run at EL2\n");
	return -EOPNOTSUPP;
}

/*
 * The emulator's tables use the 4 KiB granule whatever the kernel's page
 * size: a 16K or 64K kernel may run on a CPU without it.
 */
static int check_granule(void)
{
	u64 mmfr0 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR0_EL1);
	int tgran4 = cpuid_feature_extract_signed_field(mmfr0,
						ID_AA64MMFR0_EL1_TGRAN4_SHIFT);

	if (tgran4 >= 0)
		return 0;
	pr_err("this CPU has no 4 KiB translation granule, which the emulator's page tables use\n");
	return -EOPNOTSUPP;
}

static void mmu_values(struct efi_emulator_arm64 *a, bool el2)
{
	u64 mmfr0 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR0_EL1);
	u64 ips = cpuid_feature_extract_unsigned_field(mmfr0,
					ID_AA64MMFR0_EL1_PARANGE_SHIFT);
	u64 tcr = TCR_T0SZ(48) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA |
		  TCR_SH0_INNER | TCR_TG0_4K;
	/* No WXN: the stub writes and then runs code in the same pages. */
	u64 on = SCTLR_ELx_M | SCTLR_ELx_C | SCTLR_ELx_I | SCTLR_ELx_SA;

	/* The tables hold 48-bit output addresses: cap the PA size there. */
	ips = min_t(u64, ips, ID_AA64MMFR0_EL1_PARANGE_48);
	a->mair = (MAIR_DEVICE << (8 * MAIR_IDX_DEVICE)) |
		  (MAIR_NORMAL_WB << (8 * MAIR_IDX_NORMAL));
	if (el2) {
		a->entry_el = 2;
		a->tcr = tcr | TCR_EL2_RES1 | (ips << TCR_EL2_PS_SHIFT);
		a->sctlr = INIT_SCTLR_EL2_MMU_OFF | on;
	} else {
		a->entry_el = 1;
		a->tcr = tcr | TCR_EPD1_MASK | (ips << TCR_IPS_SHIFT);
		a->sctlr = INIT_SCTLR_EL1_MMU_OFF | on;
	}
}

/**
 * arch_kexec_pe_segments() - add the DTB segment
 * @image:	the image being loaded
 * @param:	the parameter blob being filled
 * @pe_mem:	where the PE file segment goes
 * @pe_size:	its size
 * @cmdline:	the command line
 *
 * The DTB is the one the Image path would pass (command line, KASLR and
 * RNG seeds, kdump properties) without an initrd: the emulator serves
 * that over LoadFile2, and the stub records it for the next kernel.
 *
 * Return: 0 or -errno.
 */
int arch_kexec_pe_segments(struct kimage *image,
			   struct efi_emulator_param *param,
			   unsigned long pe_mem, unsigned long pe_size,
			   char *cmdline)
{
	int ret;

	ret = load_other_segments(image, pe_mem, pe_size, NULL, 0, cmdline);
	if (ret) {
		pr_err("cannot place the DTB above the image: %d\n", ret);
		return ret;
	}
	param->dtb_base = image->arch.dtb_mem;
	param->dtb_size = fdt_totalsize(image->arch.dtb);
	return 0;
}

/**
 * arch_kexec_pe_entry() - page tables, CPU state and the entry point
 * @image:	the image being loaded; all other segments are placed
 * @p:		the parameter blob, its memory map filled
 * @emu_mem:	where the emulator segment goes
 * @blob_mem:	where the parameter blob goes
 * @buf:	out: the page tables' segment data, which the loader frees
 *		with vfree() when the image goes
 *
 * The page tables go in a segment of their own, which the loader marks
 * in use in the emulator's map with every other segment.
 *
 * Return: 0 or -errno.
 */
int arch_kexec_pe_entry(struct kimage *image, struct efi_emulator_param *p,
			unsigned long emu_mem, unsigned long blob_mem,
			void **buf)
{
	const struct efi_emulator_memdesc *map = (const void *)p +
						 p->memmap_offset;
	struct efi_emulator_arm64 *a = &p->arch.arm64;
	struct pe_pgtable pt = { };
	/* kexec enters the next image at EL2 whenever EL2 is ours. */
	bool el2 = is_hyp_mode_available();
	unsigned long mem;
	/* EL1: privileged execute-never, and never executable at EL0. */
	u64 xn = el2 ? PT_XN_EL2 : PT_PXN | PT_UXN;
	u64 ap1 = el2 ? PT_AP1_EL2 : 0;
	u64 off;
	u32 i;
	int ret;

	ret = check_el2_regime(el2) ?: check_granule();
	if (ret)
		return ret;
	ret = -ENOMEM;
	pt.ram = PT_RAM | ap1 | xn;
	pt.exec = PT_RAM | ap1 | (el2 ? 0 : PT_UXN);
	pt.text = pt.exec | PT_RDONLY;
	pt.rodata = pt.ram | PT_RDONLY;
	pt.dev = PT_DEV | ap1 | xn;
	pt.pages = kcalloc(PT_MAX_PAGES, sizeof(*pt.pages), GFP_KERNEL);
	pt.level = kcalloc(PT_MAX_PAGES, sizeof(*pt.level), GFP_KERNEL);
	pt.root = pt.pages && pt.level ? pt_alloc(&pt, 0, &off) : NULL;
	if (!pt.root)
		goto out;
	ret = map_emulator(&pt, emu_mem);
	if (ret) {
		pr_err("cannot map the emulator at 0x%lx: %d\n", emu_mem, ret);
		goto out;
	}
	for (i = 0; i < p->memmap_count; i++) {
		ret = map_region(&pt, &map[i]);
		if (ret) {
			pr_err("cannot map 0x%llx for the emulator: %d\n",
			       map[i].phys_addr, ret);
			goto out;
		}
	}
	/* The console the loader found (kexec_pe_console.c). */
	if (p->con.type != EFI_EMULATOR_CON_NONE) {
		/* The whole register window: a 16550's may cross a page. */
		u64 win = p->con.type == EFI_EMULATOR_CON_PL011 ? PT_SIZE :
			  8ULL << p->con.reg_shift;
		u64 start = p->con.base & ~(PT_SIZE - 1);
		u64 end = ALIGN(p->con.base + win, PT_SIZE);

		ret = pt_map(&pt, pt.root, 0, start, start, end - start,
			     pt.dev);
		if (ret) {
			pr_err("cannot map the console at 0x%llx: %d\n",
			       p->con.base, ret);
			goto out;
		}
	}
	ret = pt_place(image, &pt, &mem, buf);
	if (ret) {
		pr_err("no room for %d pages of emulator page tables\n", pt.nr);
		goto out;
	}

	/* The root is the first table. */
	a->ttbr0 = mem;
	p->pt_base = mem;
	p->pt_size = (u64)pt.nr * PT_SIZE;
	mmu_values(a, el2);
	a->psci_conduit = psci_conduit(el2);
	/* The TRNG the kernel found, on the conduit the emulator calls. */
	if (smccc_trng_available && a->psci_conduit ==
	    (arm_smccc_1_1_get_conduit() == SMCCC_CONDUIT_HVC ?
	     EFI_EMULATOR_CONDUIT_HVC : EFI_EMULATOR_CONDUIT_SMC))
		a->flags |= EFI_EMULATOR_ARM64_F_TRNG;

	image->start = emu_mem;
	image->arch.dtb_mem = blob_mem;
	kexec_dprintk("emulator page tables: %d pages at 0x%lx, EL%u\n",
		      pt.nr, mem, a->entry_el);
out:
	pt_free(&pt);
	return ret;
}
