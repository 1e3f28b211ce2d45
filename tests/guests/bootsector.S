/* A 512-byte x86 boot sector for QEMU driver tests (TCG, no disk needed
 * beyond itself). It programs COM1 (0x3f8) for 115200 8N1, prints
 * "QEMUD-GUEST-READY\r\n", then echoes every byte it receives on COM1,
 * forever: a console round trip needs nothing else. Between bytes the CPU
 * halts until an interrupt (COM1's receive interrupt, or the BIOS timer),
 * so an idle guest costs the host almost no CPU, as a real idle guest.
 *
 * Build: as --32 -o bootsector.o bootsector.S
 *        ld -m elf_i386 -Ttext 0x7c00 --oformat binary -o boot.img bootsector.o
 */
        .code16
        .text
        .globl  _start

        .set    COM1, 0x3f8
        .set    THR, COM1 + 0           /* transmit holding (DLAB=0) */
        .set    RBR, COM1 + 0           /* receive buffer (DLAB=0) */
        .set    DLL, COM1 + 0           /* divisor low (DLAB=1) */
        .set    IER, COM1 + 1           /* interrupt enable; DLM with DLAB=1 */
        .set    FCR, COM1 + 2           /* FIFO control */
        .set    LCR, COM1 + 3           /* line control */
        .set    MCR, COM1 + 4           /* modem control */
        .set    LSR, COM1 + 5           /* line status */

_start:
        cli
        xorw    %ax, %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %ss
        movw    $0x7c00, %sp
        cld
        ljmp    $0, $init               /* some BIOSes enter at 07c0:0000 */

init:
        movw    $IER, %dx               /* polled mode: no interrupts */
        xorb    %al, %al
        outb    %al, %dx
        movw    $LCR, %dx               /* DLAB on, divisor 1 = 115200 */
        movb    $0x80, %al
        outb    %al, %dx
        movw    $DLL, %dx
        movb    $1, %al
        outb    %al, %dx
        movw    $IER, %dx               /* DLM = 0 */
        xorb    %al, %al
        outb    %al, %dx
        movw    $LCR, %dx               /* 8 data bits, no parity, 1 stop */
        movb    $0x03, %al
        outb    %al, %dx
        movw    $FCR, %dx               /* FIFOs on and cleared, trigger 1 */
        movb    $0x07, %al
        outb    %al, %dx
        movw    $MCR, %dx               /* DTR, RTS, OUT2 (IRQ line on) */
        movb    $0x0b, %al
        outb    %al, %dx
        movw    $IER, %dx               /* interrupt when data arrives */
        movb    $0x01, %al
        outb    %al, %dx
        movw    $irq4, 0x0c * 4         /* IRQ4 is vector 0x0c (BIOS PIC) */
        movw    %cs, 0x0c * 4 + 2
        inb     $0x21, %al              /* unmask IRQ4 at the master PIC */
        andb    $0xef, %al
        outb    %al, $0x21

        movw    $marker, %si
1:      lodsb
        testb   %al, %al
        jz      echo
        call    putc
        jmp     1b

echo:                                   /* send back what has arrived */
        cli
        movw    $LSR, %dx
        inb     %dx, %al
        testb   $0x01, %al              /* data ready */
        jz      idle
        movw    $RBR, %dx
        inb     %dx, %al
        call    putc
        jmp     echo
idle:   sti                             /* sti's shadow: no wake-up lost */
        hlt
        jmp     echo

/* COM1's interrupt: only wakes the loop above, which reads the data. */
irq4:   pushw   %ax
        movb    $0x20, %al              /* end of interrupt */
        outb    %al, $0x20
        popw    %ax
        iret

/* Send %al on COM1 once the transmitter can take it. Clobbers %dx. */
putc:
        pushw   %ax
        movw    $LSR, %dx
2:      inb     %dx, %al
        testb   $0x20, %al              /* transmit holding register empty */
        jz      2b
        popw    %ax
        movw    $THR, %dx
        outb    %al, %dx
        ret

marker:
        .asciz  "QEMUD-GUEST-READY\r\n"

        .org    510
        .byte   0x55, 0xaa
