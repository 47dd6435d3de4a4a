// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {IPriceFeed} from "./interfaces/IPriceFeed.sol";
import {ISecurityRegistry} from "./interfaces/ISecurityRegistry.sol";
import {Dates} from "./libraries/Dates.sol";
import {Roles} from "./libraries/Roles.sol";
import {PlatformControlled} from "./PlatformControlled.sol";

/// @title PriceFeed
/// @notice Daily closes, four per storage slot in a date-major layout; see {IPriceFeed}.
contract PriceFeed is PlatformControlled, IPriceFeed {
    /// @notice Closes are in units of 10^-DECIMALS of the security's currency.
    uint8 public constant DECIMALS = 6;
    /// @notice Closes per storage slot.
    uint256 public constant LANES = 4;
    /// @notice Most words one {publishCloses} or {closeWords} call takes (4,096 closes).
    uint256 public constant MAX_WORDS = 1024;
    /// @notice Most corrections one {correctCloses} call takes.
    uint256 public constant MAX_CORRECTIONS = 256;
    /// @notice How many calendar days {latestCloseOnOrBefore} looks back.
    uint256 public constant MAX_LOOKBACK_DAYS = 31;

    uint256 private constant _LANE_MASK = type(uint64).max;
    uint256 private constant _PROVIDER_MASK = type(uint32).max;
    /// @dev Close words per slot of provider numbers (8 numbers of 32 bits, see
    /// {ISecurityRegistry-providerSlots}).
    uint256 private constant _WORDS_PER_PROVIDER_SLOT = 2;
    /// @dev A provider number repeated in the four 32-bit lanes of a word's 128 bits.
    uint256 private constant _FOUR_LANES = 0x00000001000000010000000100000001;
    uint256 private constant _LOW_128 = type(uint128).max;

    /// @dev What a publication checks its words against: the caller's institution and provider
    /// number, the number of securities, and the provider slots from `firstSlot` on.
    struct Publisher {
        bytes20 lei;
        uint256 own;
        uint256 known;
        uint256 firstSlot;
        uint256[] providers;
    }

    IParticipantRegistry private immutable _participants;
    ISecurityRegistry private immutable _securities;
    mapping(uint32 date => mapping(uint256 word => uint256 closes)) private _closes;

    /// @param access_ The deployed PlatformAccess.
    /// @param participants_ The deployed ParticipantRegistry (closes are owned by institutions).
    /// @param securities_ The deployed SecurityRegistry (whose indexes key the closes and which
    /// names each security's provider).
    constructor(IPlatformAccess access_, IParticipantRegistry participants_, ISecurityRegistry securities_)
        PlatformControlled(access_)
    {
        _participants = participants_;
        _securities = securities_;
    }

    /// @inheritdoc IPriceFeed
    function publishCloses(uint32 date, uint32 firstWord, uint256[] calldata words)
        external
        onlyPlatformRole(Roles.DATA_PROVIDER)
    {
        _requirePastDate(date);
        uint256 size = words.length;
        if (size == 0) revert PriceFeedEmptyBatch();
        if (size > MAX_WORDS) revert PriceFeedBatchTooLarge(size, MAX_WORDS);
        Publisher memory publisher = _publisher(firstWord, size);
        for (uint256 i = 0; i < size; ++i) {
            uint256 offered = words[i];
            if (offered == 0) continue;
            uint256 w = uint256(firstWord) + i;
            _requireProvided(publisher, w, offered, date);
            _publishWord(date, w, offered);
        }
        emit ClosesPublished(date, firstWord, uint32(size), msg.sender);
    }

    /// @inheritdoc IPriceFeed
    function correctCloses(Correction[] calldata corrections) external onlyPlatformRole(Roles.DATA_PROVIDER) {
        uint256 size = corrections.length;
        if (size == 0) revert PriceFeedEmptyBatch();
        if (size > MAX_CORRECTIONS) revert PriceFeedBatchTooLarge(size, MAX_CORRECTIONS);
        bytes20 lei = _institution();
        for (uint256 i = 0; i < size; ++i) {
            Correction calldata c = corrections[i];
            if (c.close == 0) revert PriceFeedInvalidClose(c.index, c.date);
            if (bytes(c.reason).length == 0) revert PriceFeedReasonRequired(c.index, c.date);
            (uint256 w, uint256 shift) = _position(c.index);
            uint256 stored = _closes[c.date][w];
            uint64 previous = uint64((stored >> shift) & _LANE_MASK);
            if (previous == 0) revert PriceFeedNoClose(c.index, c.date);
            bytes20 provider = _securities.providerOf(c.index);
            if (provider != lei) revert PriceFeedNotProvider(c.index, c.date, provider, lei);
            if (previous == c.close) revert PriceFeedUnchanged(c.index, c.date);
            _closes[c.date][w] = (stored & ~(_LANE_MASK << shift)) | (uint256(c.close) << shift);
            emit CloseCorrected(c.index, c.date, previous, c.close, c.reason, msg.sender);
        }
    }

    /// @inheritdoc IPriceFeed
    function closeOf(uint32 index, uint32 date) external view returns (uint64 close) {
        close = _closeOf(index, date);
        if (close == 0) revert PriceFeedNoClose(index, date);
    }

    /// @inheritdoc IPriceFeed
    function latestCloseOnOrBefore(uint32 index, uint32 date) external view returns (uint32 closeDate, uint64 close) {
        _requireDate(date);
        uint256 day = Dates.toDays(date);
        for (uint256 back = 0; back <= MAX_LOOKBACK_DAYS; ++back) {
            closeDate = Dates.fromDays(day - back);
            close = _closeOf(index, closeDate);
            if (close != 0) return (closeDate, close);
        }
        revert PriceFeedNoClose(index, date);
    }

    /// @inheritdoc IPriceFeed
    function closeWords(uint32 date, uint32 firstWord, uint32 count) external view returns (uint256[] memory words) {
        if (count > MAX_WORDS) revert PriceFeedBatchTooLarge(count, MAX_WORDS);
        words = new uint256[](count);
        mapping(uint256 => uint256) storage day = _closes[date];
        for (uint256 i = 0; i < count; ++i) {
            words[i] = day[uint256(firstWord) + i];
        }
    }

    function _publishWord(uint32 date, uint256 w, uint256 offered) private {
        uint256 stored = _closes[date][w];
        if (stored == 0) {
            _closes[date][w] = offered;
            return;
        }
        uint256 merged = _merge(stored, offered, w, date);
        if (merged != stored) _closes[date][w] = merged;
    }

    function _closeOf(uint32 index, uint32 date) private view returns (uint64) {
        if (index == 0) revert PriceFeedUnknownSecurity(index);
        (uint256 w, uint256 shift) = _position(index);
        return uint64((_closes[date][w] >> shift) & _LANE_MASK);
    }

    function _merge(uint256 stored, uint256 offered, uint256 w, uint32 date) private pure returns (uint256 merged) {
        merged = stored;
        for (uint256 lane = 0; lane < LANES; ++lane) {
            uint256 shift = lane * 64;
            uint256 value = (offered >> shift) & _LANE_MASK;
            if (value == 0) continue;
            uint256 current = (stored >> shift) & _LANE_MASK;
            if (current == 0) {
                merged |= value << shift;
            } else if (current != value) {
                revert PriceFeedAlreadyPublished(uint32(w * LANES + lane + 1), date, uint64(current), uint64(value));
            }
        }
    }

    function _requireKnown(uint256 w, uint256 offered, uint256 known) private pure {
        uint256 first = w * LANES;
        if (first + LANES <= known) return;
        uint256 valid = known > first ? known - first : 0;
        if (offered >> (valid * 64) != 0) {
            uint256 lane = valid;
            while ((offered >> (lane * 64)) & _LANE_MASK == 0) ++lane;
            revert PriceFeedUnknownSecurity(uint32(first + lane + 1));
        }
    }

    function _publisher(uint32 firstWord, uint256 size) private view returns (Publisher memory p) {
        p.lei = _institution();
        p.own = _securities.providerNumberOf(p.lei);
        p.known = _securities.securityCount();
        p.firstSlot = firstWord / _WORDS_PER_PROVIDER_SLOT;
        uint256 lastSlot = (uint256(firstWord) + size - 1) / _WORDS_PER_PROVIDER_SLOT;
        p.providers = _securities.providerSlots(uint32(p.firstSlot), uint32(lastSlot - p.firstSlot + 1));
    }

    /// @dev Word `w` offers closes of registered securities only, each provided by the caller.
    function _requireProvided(Publisher memory p, uint256 w, uint256 offered, uint32 date) private view {
        _requireKnown(w, offered, p.known);
        uint256 providers = p.providers[w / _WORDS_PER_PROVIDER_SLOT - p.firstSlot];
        _requireProvider(offered, providers >> ((w % _WORDS_PER_PROVIDER_SLOT) * 128), p.own, w, date, p.lei);
    }

    /// @dev Every non-zero lane of `offered` (word `w`) is a security whose provider number, in
    /// the low 128 bits of `providers` (four 32-bit lanes), is `own`.
    function _requireProvider(uint256 offered, uint256 providers, uint256 own, uint256 w, uint32 date, bytes20 lei)
        private
        view
    {
        if (providers & _LOW_128 == own * _FOUR_LANES) return; // the caller provides all four
        for (uint256 lane = 0; lane < LANES; ++lane) {
            if ((offered >> (lane * 64)) & _LANE_MASK == 0) continue;
            if ((providers >> (lane * 32)) & _PROVIDER_MASK != own) {
                uint32 index = uint32(w * LANES + lane + 1);
                revert PriceFeedNotProvider(index, date, _securities.providerOf(index), lei);
            }
        }
    }

    /// @dev The caller's institution; an account bound to none owns nothing.
    function _institution() private view returns (bytes20 lei) {
        lei = _participants.institutionOf(msg.sender);
        if (lei == bytes20(0)) revert PriceFeedNoInstitution(msg.sender);
    }

    function _requirePastDate(uint32 date) private view {
        _requireDate(date);
        uint32 today = Dates.fromDays(block.timestamp / 1 days);
        if (date > today) revert PriceFeedFutureDate(date, today);
    }

    /// @dev A real calendar date from 1970-02-01 on (so that looking back stays in range).
    function _requireDate(uint32 date) private pure {
        if (!Dates.isValid(date) || date < 19700201 || Dates.fromDays(Dates.toDays(date)) != date) {
            revert PriceFeedInvalidDate(date);
        }
    }

    function _position(uint32 index) private pure returns (uint256 w, uint256 shift) {
        if (index == 0) revert PriceFeedUnknownSecurity(index);
        uint256 zeroBased = uint256(index) - 1;
        return (zeroBased / LANES, (zeroBased % LANES) * 64);
    }
}
