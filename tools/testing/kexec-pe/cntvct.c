// SPDX-License-Identifier: GPL-2.0
/*
 * cntvct - print the arm64 virtual counter (CNTVCT_EL0) and its frequency
 * (CNTFRQ_EL0) as "cntvct=TICKS cntfrq=HZ", for the benchmark to measure
 * between two points of a run, across a kexec as well: the counter runs
 * on through it.  Under QEMU's -icount the counter advances with the
 * instructions the guest executes, so the difference of two readings
 * counts instructions, whatever the load of the host.
 *
 * Linux lets EL0 read both registers (CNTKCTL_EL1.EL0VCTEN, used by the
 * vDSO).  The ISB keeps the read from being done early.  Built without a
 * C library (-nostdlib): a few hundred bytes, cheap to start in a kernel
 * after the first and to carry in every initrd the tests hand on.
 */
#include <linux/unistd.h>

static long syscall3(long nr, long a, long b, long c)
{
	register long x8 asm("x8") = nr;
	register long x0 asm("x0") = a;
	register long x1 asm("x1") = b;
	register long x2 asm("x2") = c;

	asm volatile("svc #0"
		     : "+r"(x0)
		     : "r"(x8), "r"(x1), "r"(x2)
		     : "memory");
	return x0;
}

/* Append the decimal digits of V at P; return the end. */
static char *put_u64(char *p, unsigned long v)
{
	char d[20];
	int n = 0;

	do {
		d[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n)
		*p++ = d[--n];
	return p;
}

static char *put_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

void _start(void)
{
	unsigned long cnt, frq;
	char buf[64], *p = buf;

	asm volatile("isb; mrs %0, cntvct_el0" : "=r"(cnt) : : "memory");
	asm volatile("mrs %0, cntfrq_el0" : "=r"(frq));
	p = put_str(p, "cntvct=");
	p = put_u64(p, cnt);
	p = put_str(p, " cntfrq=");
	p = put_u64(p, frq);
	*p++ = '\n';
	syscall3(__NR_write, 1, (long)buf, p - buf);
	syscall3(__NR_exit, 0, 0, 0);
	for (;;)
		;
}
