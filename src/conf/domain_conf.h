/* Domain XML <-> struct qd_dom_def, matching libvirt 9.0's test driver.
 *
 * qd_dom_def_parse() applies what virDomainDefParseString() plus the test
 * driver's define path apply (defaults, implicit devices, generated UUID
 * and MACs, disk ordering, ...), qd_dom_def_format() prints what
 * virDomainGetXMLDesc() prints. Elements libvirt knows but this module
 * does not model field by field are kept as small trees (struct
 * qd_dom_xnode) and printed back in libvirt's layout at libvirt's
 * position; elements libvirt ignores are dropped, as libvirt does.
 *
 * Enumerated values (types, buses, models) are kept as the strings the
 * XML uses, after validation, so callers compare with strcmp().
 *
 * Ownership: a struct qd_dom_def owns everything it points to. Nothing
 * here is shared or locked: a def is used by one thread at a time (the
 * driver holds the domain lock); distinct defs may be used concurrently.
 */
#ifndef QD_CONF_DOMAIN_CONF_H
#define QD_CONF_DOMAIN_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

/* virDomainXMLFlags for qd_dom_def_format() */
#define QD_DOM_XML_SECURE       1
#define QD_DOM_XML_INACTIVE     2
#define QD_DOM_XML_UPDATE_CPU   4
#define QD_DOM_XML_MIGRATABLE   8

/* virDomainMetadataType */
#define QD_DOM_METADATA_DESCRIPTION 0
#define QD_DOM_METADATA_TITLE       1
#define QD_DOM_METADATA_ELEMENT     2

/* An XML element kept as a tree: attributes in document order, text
 * (only when the element has no child elements), child elements. */
struct qd_dom_xattr {
    char *name;
    char *value;
};
struct qd_dom_xnode {
    char *name;
    size_t nattrs;
    struct qd_dom_xattr *attrs;
    char *text;
    size_t nkids;
    struct qd_dom_xnode **kids;
};
/* A list of kept elements. */
struct qd_dom_xlist {
    size_t n;
    struct qd_dom_xnode **items;
};

/* Value of attribute @name of @node, or NULL. */
const char *qd_dom_xnode_attr(const struct qd_dom_xnode *node,
                              const char *name);
/* First child element of @node called @name, or NULL. */
struct qd_dom_xnode *qd_dom_xnode_child(const struct qd_dom_xnode *node,
                                        const char *name);
/* First element called @name in @list, or NULL. */
struct qd_dom_xnode *qd_dom_xlist_find(const struct qd_dom_xlist *list,
                                       const char *name);

/* <address type='...'/> (virDomainDeviceInfo's address part) */
enum qd_dom_addr_type {
    QD_DOM_ADDR_NONE = 0,
    QD_DOM_ADDR_PCI,
    QD_DOM_ADDR_DRIVE,
    QD_DOM_ADDR_VIRTIO_SERIAL,
    QD_DOM_ADDR_CCID,
    QD_DOM_ADDR_USB,
    QD_DOM_ADDR_SPAPRVIO,
    QD_DOM_ADDR_VIRTIO_S390,
    QD_DOM_ADDR_CCW,
    QD_DOM_ADDR_VIRTIO_MMIO,
    QD_DOM_ADDR_ISA,
    QD_DOM_ADDR_DIMM,
    QD_DOM_ADDR_UNASSIGNED,
};

struct qd_dom_addr {
    int type;                   /* enum qd_dom_addr_type */
    /* pci */
    unsigned int domain, bus, slot, function;
    int multi;                  /* 0 absent, 1 on, 2 off */
    struct qd_dom_xnode *zpci;
    /* drive: controller bus target unit; virtio-serial: controller bus
     * port; ccid: controller slot; usb: bus + port path */
    unsigned int controller, target, unit, port;
    char *usb_port;             /* "1.2", NULL when absent */
    /* ccw */
    unsigned int cssid, ssid, devno;
    /* spapr-vio */
    unsigned long long reg;
    bool has_reg;
    /* isa */
    unsigned int iobase, irq;
    /* dimm (slot in @slot) */
    unsigned long long base;
};

struct qd_dom_devinfo {
    char *alias;                /* only "ua-" user aliases survive define */
    unsigned int boot_order;    /* <boot order=/>, 0 none */
    char *loadparm;
    int master_startport;       /* <master startport=/>, -1 none */
    struct qd_dom_xnode *rom;   /* <rom .../> as given */
    unsigned int acpi_index;
    struct qd_dom_addr addr;
};

struct qd_dom_disk {
    char *type;                 /* file block dir network volume nvme vhostuser */
    char *device;               /* disk cdrom floppy lun */
    char *bus;                  /* ide fdc scsi virtio xen usb uml sata sd */
    char *dst;                  /* <target dev=> */
    char *src_path;             /* file=/dev=/dir= of <source>, or NULL */
    char *model, *rawio, *sgio, *snapshot;      /* <disk> attributes */
    struct qd_dom_xnode *driver;        /* <driver> (name, type, cache...) */
    struct qd_dom_xnode *source;        /* <source> minus the path attr */
    struct qd_dom_xattr *target_attrs;  /* tray, removable, rotation_rate */
    size_t ntarget_attrs;
    bool readonly, shareable;
    char *serial;
    struct qd_dom_xlist extra;  /* other children libvirt knows */
    struct qd_dom_devinfo info;
};

struct qd_dom_controller {
    char *type;                 /* ide fdc scsi sata virtio-serial ccid usb pci ... */
    int idx;                    /* index, -1 until assigned */
    char *model;                /* NULL = none */
    size_t nattrs;              /* ports, vectors, maxGrantFrames, ... */
    struct qd_dom_xattr *attrs;
    struct qd_dom_xlist extra;  /* model/target (pci), driver, pcihole64 */
    struct qd_dom_devinfo info;
};

struct qd_dom_net {
    char *type;                 /* network bridge direct user ethernet ... */
    unsigned char mac[6];
    bool mac_generated;
    struct qd_dom_xnode *mac_node;      /* other <mac> attrs (type, check) */
    char *source_network;       /* type='network' */
    char *source_bridge;        /* type='bridge' */
    char *source_dev;           /* type='direct'/'vdpa'/'user' */
    struct qd_dom_xnode *source;        /* the rest of <source> */
    char *ifname;               /* <target dev=> */
    struct qd_dom_xnode *target;        /* other <target> attrs (managed) */
    char *model;                /* <model type=> */
    char *trust_guest_rx_filters;       /* yes/no, NULL absent */
    char *managed;              /* hostdev interfaces: "yes" */
    struct qd_dom_xlist extra;
    struct qd_dom_devinfo info;
};

/* serial, parallel, console, channel */
struct qd_dom_chr {
    char *kind;                 /* "serial" "parallel" "console" "channel" */
    char *type;                 /* pty file dev unix tcp udp ... */
    /* source; NULL when absent. udp may have a second (bind) source. */
    char *path;                 /* pty/dev/file/pipe/unix */
    char *mode;                 /* tcp/unix: "bind" or "connect" */
    char *host, *service;       /* tcp, udp connect */
    char *bind_host, *bind_service;     /* udp bind */
    char *tls;                  /* tcp */
    char *append;               /* file */
    char *channel;              /* spiceport, dbus */
    char *master, *slave;       /* nmdm */
    char *protocol;             /* tcp: raw telnet telnets tls */
    struct qd_dom_xlist source_kids;    /* reconnect, seclabel, clipboard.. */
    struct qd_dom_xnode *log;
    char *target_type;          /* NULL = none */
    int target_port;            /* -1 until assigned */
    char *target_name;          /* channel virtio/xen name */
    char *target_address, *target_tport;        /* guestfwd */
    char *target_model;         /* serial <model name=> */
    struct qd_dom_devinfo info;
};

struct qd_dom_input {
    char *type;                 /* mouse tablet keyboard passthrough evdev */
    char *bus;                  /* NULL = none */
    char *model;
    struct qd_dom_xnode *source;
    struct qd_dom_xnode *driver;
    struct qd_dom_devinfo info;
};

struct qd_dom_listen {
    char *type;                 /* address network socket none */
    char *address, *network, *socket;
};

struct qd_dom_graphics {
    char *type;                 /* vnc spice sdl rdp desktop egl-headless dbus */
    int port, tls_port, websocket;
    bool autoport;
    char *keymap, *share_policy, *power_control, *default_mode;
    char *passwd, *passwd_valid_to, *connected;
    size_t nlistens;
    struct qd_dom_listen *listens;
    unsigned int audio_id;
    struct qd_dom_xlist extra;  /* spice children (channel, image, ...) */
    struct qd_dom_xnode *raw;   /* other types: the whole element */
};

struct qd_dom_video {
    char *type;                 /* cirrus vga qxl virtio none ... */
    unsigned int ram, vram, vram64, vgamem, heads;
    bool primary;
    struct qd_dom_xnode *accel, *resolution;
    struct qd_dom_xnode *driver;
    struct qd_dom_devinfo info;
};

struct qd_dom_sound {
    char *model;
    struct qd_dom_xlist extra;  /* codec, audio */
    struct qd_dom_devinfo info;
};

struct qd_dom_memballoon {
    char *model;                /* virtio xen none ... */
    char *autodeflate, *free_page_reporting;
    int period;                 /* <stats period=>, 0 none */
    struct qd_dom_xnode *driver;
    struct qd_dom_devinfo info;
};

struct qd_dom_timer {
    char *name, *present, *tickpolicy, *track, *frequency, *mode;
    struct qd_dom_xnode *catchup;
};

struct qd_dom_def {                 /* you may add more fields */
    char *virt_type;                /* <domain type='...'> e.g. "test", "qemu", "kvm" */
    char *name;
    unsigned char uuid[16];
    char *title, *description;
    unsigned long long max_memory_kib;   /* <memory> */
    unsigned long long cur_memory_kib;   /* <currentMemory> */
    unsigned int max_vcpus;         /* <vcpu> value */
    unsigned int vcpus;             /* current= attr, defaults to max_vcpus */
    char *os_type;                  /* "hvm" */
    char *os_arch;

    /* ---- private to the module (read freely, change with care) ---- */
    bool genid_requested;
    unsigned char genid[16];
    void *metadata;                 /* xmlNodePtr <metadata>, or NULL */
    unsigned long long hotplug_memory_kib;  /* <maxMemory>, 0 none */
    unsigned int memory_slots;
    char *memory_dump_core;         /* on/off */
    char *placement;                /* "static" or "auto" */
    char *cpuset;
    char *os_machine;
    char *os_firmware;              /* <os firmware=> */
    char *bootloader, *bootloader_args;
    struct qd_dom_xnode *os_loader; /* <loader> */
    char *os_kernel, *os_initrd, *os_cmdline, *os_dtb, *os_root;
    size_t nboot;
    char *boot[4];                  /* fd cdrom hd network */
    char *bootmenu;                 /* yes/no */
    char *bootmenu_timeout;
    struct qd_dom_xlist os_extra;   /* firmware nvram init* acpi bios smbios */
    struct qd_dom_xlist features;   /* one node per feature, libvirt order */
    struct qd_dom_xnode *cpu;       /* <cpu>, normalized */
    char *clock_offset;
    struct qd_dom_xattr *clock_attrs;       /* adjustment basis timezone start */
    size_t nclock_attrs;
    size_t ntimers;
    struct qd_dom_timer *timers;
    char *on_poweroff, *on_reboot, *on_crash, *on_lockfailure;
    struct qd_dom_xlist top_extra;  /* blkiotune memtune ... seclabel */
    char *emulator;
    size_t ndisks;
    struct qd_dom_disk **disks;
    size_t ncontrollers;
    struct qd_dom_controller **controllers;
    size_t nnets;
    struct qd_dom_net **nets;
    size_t nserials, nparallels, nconsoles, nchannels;
    struct qd_dom_chr **serials, **parallels, **consoles, **channels;
    size_t ninputs;
    struct qd_dom_input **inputs;
    size_t ngraphics;
    struct qd_dom_graphics **graphics;
    size_t nvideos;
    struct qd_dom_video **videos;
    size_t nsounds;
    struct qd_dom_sound **sounds;
    struct qd_dom_memballoon *memballoon;
    struct qd_dom_xlist dev_extra;  /* other devices, kept whole */
};

/* Parse @xml. Errors as libvirt's test driver reports them for
 * virDomainDefineXML/CreateXML of bad input, with the same code, domain
 * and message. Any thread. Returns a new def (caller frees) or NULL. */
struct qd_dom_def *qd_dom_def_parse(const char *xml, struct qd_err *err);
/* Parse XML qemud wrote itself (a saved config, a status file): as
 * qd_dom_def_parse() without the validation checks, as libvirt loads its
 * configs, so a def accepted once is never lost at the next start. */
struct qd_dom_def *qd_dom_def_load(const char *xml, struct qd_err *err);
/* Format @def. @id: the domain's id when running (-1 inactive: no id
 * attribute). @flags: QD_DOM_XML_*. Returns a heap string. Any thread. */
char *qd_dom_def_format(const struct qd_dom_def *def, int id, unsigned flags);
/* Deep copy. Returns a new def (never NULL). */
struct qd_dom_def *qd_dom_def_copy(const struct qd_dom_def *def);
/* Frees @def and everything it owns; accepts NULL. */
void qd_dom_def_free(struct qd_dom_def *def);

/* virDomainGetMetadata: @type QD_DOM_METADATA_*; @uri selects the
 * element for ELEMENT. Returns a heap string, or NULL with @err set. */
char *qd_dom_def_get_metadata(const struct qd_dom_def *def, int type,
                              const char *uri, struct qd_err *err);
/* virDomainSetMetadata: NULL or "" @metadata removes. For ELEMENT, @key
 * is the namespace prefix and @uri the namespace. Returns 0 or -1. */
int qd_dom_def_set_metadata(struct qd_dom_def *def, int type,
                            const char *metadata, const char *key,
                            const char *uri, struct qd_err *err);

/* The test driver's define step (testDomainGenerateIfnames): give every
 * interface without <target dev=> the first free "testnetN" name.
 * Returns 0, or -1 with @err set when 1024 names are taken. */
int qd_dom_def_test_ifnames(struct qd_dom_def *def, struct qd_err *err);

/* The extra check testDomainDefineXMLFlags makes (define only, not
 * create): a name with a newline is refused, code 35 from VIR_FROM_XML.
 * Returns 0 or -1 with @err set. */
int qd_dom_def_check_name(const struct qd_dom_def *def, struct qd_err *err);

/* Index of the disk with target @dst, or -1. */
int qd_dom_def_find_disk(const struct qd_dom_def *def, const char *dst);

#endif
