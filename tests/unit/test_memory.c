/* Tests of host memory: the shared part is charged once, a guest that does
 * not fit is refused without being charged, and used/free add up. */
#include "testutil.h"

#include "virtsim/host/memory.h"

#define MIB (1024.0 * 1024.0)
#define GIB (1024.0 * MIB)

static struct vs_mem_parts parts(double app, double kernel, double cache, double overhead, double shared)
{
    struct vs_mem_parts p = {{0}};
    p.bytes[VS_MEM_APPLICATION] = app;
    p.bytes[VS_MEM_GUEST_KERNEL] = kernel;
    p.bytes[VS_MEM_PAGE_CACHE] = cache;
    p.bytes[VS_MEM_OVERHEAD] = overhead;
    p.bytes[VS_MEM_SHARED] = shared;
    return p;
}

static void test_names_and_total(void **state)
{
    (void)state;
    assert_string_equal(vs_mem_part_name(VS_MEM_APPLICATION), "application");
    assert_string_equal(vs_mem_part_name(VS_MEM_GUEST_KERNEL), "guest_kernel");
    assert_string_equal(vs_mem_part_name(VS_MEM_PAGE_CACHE), "page_cache");
    assert_string_equal(vs_mem_part_name(VS_MEM_OVERHEAD), "overhead");
    assert_string_equal(vs_mem_part_name(VS_MEM_SHARED), "shared");
    assert_null(vs_mem_part_name(VS_MEM_PART_COUNT));
    struct vs_mem_parts p = parts(1, 2, 3, 4, 5);
    assert_within_rel(vs_mem_parts_total(&p), 15, 0);
}

static void test_shared_charged_once(void **state)
{
    (void)state;
    struct vs_memory *m = vs_memory_create(16 * GIB, 1 * GIB, 3);
    assert_non_null(m);
    assert_within_rel(vs_memory_capacity(m), 16 * GIB, 0);
    assert_within_rel(vs_memory_used(m), 1 * GIB, 0);
    assert_within_rel(vs_memory_free(m), 15 * GIB, 0);

    struct vs_mem_parts c = parts(512 * MIB, 0, 0, 16 * MIB, 256 * MIB);
    assert_true(vs_memory_charge(m, 0, &c));
    assert_within_rel(vs_memory_used(m), 1 * GIB + 784 * MIB, 0);
    assert_within_rel(vs_memory_guest_bytes(m, 0), 528 * MIB, 0);
    /* A second guest with the same shared part adds only its own parts. */
    assert_true(vs_memory_charge(m, 1, &c));
    assert_within_rel(vs_memory_used(m), 1 * GIB + 784 * MIB + 528 * MIB, 0);
    assert_within_rel(vs_memory_guest_bytes(m, 1), 528 * MIB, 0);
    /* A larger shared part grows the host's one copy to that size. */
    struct vs_mem_parts big = parts(0, 0, 0, 0, 300 * MIB);
    assert_true(vs_memory_charge(m, 2, &big));
    assert_within_rel(vs_memory_used(m), 1 * GIB + 300 * MIB + 2 * 528 * MIB, 0);
    assert_within_rel(vs_memory_guest_bytes(m, 2), 0, 0);
    assert_within_rel(vs_memory_free(m) + vs_memory_used(m), 16 * GIB, 0);
    vs_memory_destroy(m);
}

static void test_refusal_when_full(void **state)
{
    (void)state;
    struct vs_memory *m = vs_memory_create(4 * GIB, 1 * GIB, 4);
    struct vs_mem_parts vm = parts(1 * GIB, 256 * MIB, 512 * MIB, 256 * MIB, 0); /* 2 GiB */
    assert_true(vs_memory_charge(m, 0, &vm));
    assert_within_rel(vs_memory_free(m), 1 * GIB, 0);
    /* The second does not fit in the 1 GiB left: refused, nothing charged. */
    assert_false(vs_memory_charge(m, 1, &vm));
    assert_within_rel(vs_memory_free(m), 1 * GIB, 0);
    assert_within_rel(vs_memory_guest_bytes(m, 1), 0, 0);
    /* Exactly what is left fits. */
    struct vs_mem_parts rest = parts(768 * MIB, 0, 0, 0, 256 * MIB);
    assert_true(vs_memory_charge(m, 2, &rest));
    assert_within_rel(vs_memory_free(m), 0, 0);
    assert_within_rel(vs_memory_used(m), 4 * GIB, 0);
    /* Now even a shared part already on the host costs nothing more... */
    struct vs_mem_parts shared_only = parts(0, 0, 0, 0, 256 * MIB);
    assert_true(vs_memory_charge(m, 3, &shared_only));
    /* ...but one byte more of it does not fit. */
    shared_only.bytes[VS_MEM_SHARED] += 1;
    assert_false(vs_memory_charge(m, 3, &shared_only));
    /* Bad input: unknown guest, negative or NaN sizes. */
    struct vs_mem_parts tiny = parts(0, 0, 0, 0, 0);
    assert_false(vs_memory_charge(m, 4, &tiny));
    struct vs_mem_parts neg = parts(-1, 0, 0, 0, 0);
    struct vs_mem_parts nan_parts = parts(NAN, 0, 0, 0, 0);
    assert_false(vs_memory_charge(m, 3, &neg));
    assert_false(vs_memory_charge(m, 3, &nan_parts));
    assert_within_rel(vs_memory_used(m), 4 * GIB, 0);
    vs_memory_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_and_total),
        cmocka_unit_test(test_shared_charged_once),
        cmocka_unit_test(test_refusal_when_full),
    };
    return cmocka_run_group_tests_name("memory", tests, NULL, NULL);
}
