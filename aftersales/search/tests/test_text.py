"""Tokens and queries, without a database."""

from hypothesis import given
from hypothesis import strategies as st

from aftersales.search.backends.postgres import FINE_BITS, window_query, window_tokens
from aftersales.search.text import Synonyms, parse_query, tokens


def test_chinese_is_segmented_with_sub_words_for_the_index_and_words_for_queries():
    assert tokens("3号摄像头夜间出现黑屏") == [
        "3",
        "号",
        "摄像",
        "像头",
        "摄像头",
        "夜间",
        "出现",
        "黑屏",
    ]
    assert tokens("3号摄像头夜间出现黑屏", for_query=True) == [
        "3",
        "号",
        "摄像头",
        "夜间",
        "出现",
        "黑屏",
    ]


def test_codes_are_kept_whole_and_in_parts_and_english_is_stemmed():
    assert tokens("DS-2CD3T46 at 192.168.1.10") == [
        "ds-2cd3t46",
        "ds",
        "2cd3t46",
        "192.168.1.10",
        "192",
        "168",
        "1",
        "10",
    ]
    assert tokens("Switches REBOOTING") == ["switch", "reboot"]


def test_queries_group_synonyms_and_drop_lone_characters():
    synonyms = Synonyms([["摄像头", "摄像机", "IPC"], ["黑屏", "无图像"]])
    query = parse_query("摄像机 的 黑屏", synonyms)
    assert [g.alternatives for g in query.groups] == [
        (("摄像头",), ("摄像机",), ("ipc",)),
        (("黑屏",), ("无图像",)),
    ]
    assert not parse_query("，。！", synonyms)


@given(st.integers(0, 2**22), st.integers(0, 2**20))
def test_windows_cover_exactly_the_blocks_from_low_to_high(low, span):
    low = low >> FINE_BITS << FINE_BITS
    high = low + span
    covered = {t.strip("'") for t in window_query(low, high).split(" | ")}
    for object_id in {low, high, (low + high) // 2, low + 1}:
        assert covered & set(window_tokens(object_id)), object_id
    if low >= 1 << FINE_BITS:
        assert not covered & set(window_tokens(low - 1))
