// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IDistributionRegistry} from "./interfaces/IDistributionRegistry.sol";
import {IFundListener} from "./interfaces/IFundListener.sol";
import {IFundRegistry} from "./interfaces/IFundRegistry.sol";
import {IMandates} from "./interfaces/IMandates.sol";
import {IMarketCalendar} from "./interfaces/IMarketCalendar.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {Dates} from "./libraries/Dates.sol";
import {FundCode} from "./libraries/FundCode.sol";
import {PlatformControlled} from "./PlatformControlled.sol";

/// @title DistributionRegistry
/// @notice Fund distribution profiles and daily NAVs; see {IDistributionRegistry}.
contract DistributionRegistry is PlatformControlled, IDistributionRegistry, IFundListener {
    /// @notice Most NAV records one {publishNavs} or {confirmNavs} call takes.
    uint256 public constant MAX_NAVS = 8192;
    /// @notice Most funds one {setProfiles} call takes.
    uint256 public constant MAX_PROFILES = 128;
    /// @notice Most corrections one {correctNavs} call takes.
    uint256 public constant MAX_CORRECTIONS = 64;
    /// @notice Most markets in a NAV calendar or a fund's holiday markets.
    uint256 public constant MAX_MARKETS = 3;
    /// @notice The NAV move (basis points of the previous NAV) beyond which a record must carry
    /// the confirmation flag, for a fund whose profile names no threshold.
    uint16 public constant DEFAULT_THRESHOLD_BPS = 1000;
    /// @notice The NAV calendar of a profile that names none.
    bytes4 public constant TOKYO = "XTKS";
    /// @notice How many days a closing date that is no NAV day may move forward.
    uint256 public constant MAX_CLOSING_SHIFT = 10;

    uint256 private constant _JUMP_CONFIRMED = 1 << 200;

    IParticipantRegistry private immutable _participants;
    IFundRegistry private immutable _fundRegistry;
    IMarketCalendar private immutable _calendar;
    IMandates private immutable _mandates;

    mapping(uint32 serial => FundState) private _states;
    mapping(uint32 serial => FundProfile) private _profiles;
    mapping(bytes20 lei => uint32 id) private _managerIds;
    uint32 private _managerCount;
    mapping(uint16 id => bytes4[] markets) private _calendarMarkets;
    mapping(bytes32 marketsHash => uint16 id) private _calendarIds;
    uint16 private _calendarCount;
    mapping(uint256 batchId => bytes32 root) private _roots;
    uint256 private _batchCount;
    mapping(uint32 serial => mapping(uint32 date => bytes32 leaf)) private _corrected;

    /// @param access_ The deployed PlatformAccess.
    /// @param participants_ The deployed ParticipantRegistry.
    /// @param funds_ The deployed FundRegistry (which names this contract its listener).
    /// @param calendar_ The deployed MarketCalendar.
    /// @param mandates_ The deployed Mandates (asset managers' delegates).
    constructor(
        IPlatformAccess access_,
        IParticipantRegistry participants_,
        IFundRegistry funds_,
        IMarketCalendar calendar_,
        IMandates mandates_
    ) PlatformControlled(access_) {
        _participants = participants_;
        _fundRegistry = funds_;
        _calendar = calendar_;
        _mandates = mandates_;
    }

    /// @inheritdoc IDistributionRegistry
    function setProfiles(bytes32[] calldata fundCodes, ProfileInput calldata profile) external {
        _requireNotPaused();
        bytes20 caller = _callerInstitution();
        if (fundCodes.length == 0) revert DistributionEmptyBatch();
        if (fundCodes.length > MAX_PROFILES) revert DistributionBatchTooLarge(fundCodes.length, MAX_PROFILES);
        for (uint256 i = 0; i < fundCodes.length; ++i) {
            _setProfile(fundCodes[i], profile, caller);
        }
    }

    function _setProfile(bytes32 fundCode, ProfileInput calldata profile, bytes20 caller) private {
        (uint32 serial, IFundRegistry.Fund memory fund) = _managedFund(fundCode, caller);
        if (profile.navMarkets.length > MAX_MARKETS) {
            revert DistributionTooManyNavMarkets(fundCode, profile.navMarkets.length, MAX_MARKETS);
        }
        if (profile.holidayMarkets.length > MAX_MARKETS) {
            revert DistributionTooManyHolidayMarkets(fundCode, profile.holidayMarkets.length, MAX_MARKETS);
        }
        if (profile.closingMonths == 0 || profile.closingMonths > 0xFFF) {
            revert DistributionInvalidClosingMonths(fundCode, profile.closingMonths);
        }
        if (profile.closingDay == 0 || profile.closingDay > 31) {
            revert DistributionInvalidClosingDay(fundCode, profile.closingDay);
        }
        bytes12 holidays;
        for (uint256 i = 0; i < profile.holidayMarkets.length; ++i) {
            if (profile.holidayMarkets[i] == bytes4(0)) revert DistributionEmptyHolidayMarket(fundCode, i);
            holidays |= bytes12(profile.holidayMarkets[i]) >> (32 * i);
        }
        uint16 calendarId = _calendarIdOf(fundCode, profile.navMarkets);
        uint32 managerId = _managerIds[fund.assetManager];
        if (managerId == 0) {
            managerId = ++_managerCount;
            _managerIds[fund.assetManager] = managerId;
        }
        FundState storage state = _states[serial];
        state.managerId = managerId;
        state.calendarId = calendarId;
        state.thresholdBps = profile.thresholdBps;
        _profiles[serial] = FundProfile({
            manager: fund.assetManager,
            trustee: fund.trustee,
            holidayMarkets: holidays,
            closingMonths: profile.closingMonths,
            closingDay: profile.closingDay
        });
        emit ProfileSet(
            fundCode,
            serial,
            _calendarMarkets[calendarId],
            profile.holidayMarkets,
            profile.closingMonths,
            profile.closingDay,
            profile.thresholdBps,
            msg.sender
        );
        _sync(serial, fund);
    }

    /// @inheritdoc IDistributionRegistry
    function syncFund(bytes32 fundCode) external {
        _callerInstitution();
        uint32 serial = _serialOf(fundCode);
        if (_states[serial].calendarId == 0) revert DistributionUnknownFund(serial);
        _sync(serial, _fundRegistry.getFund(fundCode));
    }

    /// @inheritdoc IDistributionRegistry
    function onFundChanged(bytes32 fundCode, IFundRegistry.Fund calldata fund)
        external
        override(IDistributionRegistry, IFundListener)
    {
        if (msg.sender != address(_fundRegistry)) revert DistributionOnlyFundRegistry(msg.sender);
        uint32 serial = _serialOf(fundCode);
        if (_states[serial].calendarId == 0) return; // not in distribution: nothing to keep
        _sync(serial, fund);
    }

    /// @inheritdoc IDistributionRegistry
    function publishNavs(uint32 date, uint256[] calldata records) external returns (uint256 batchId) {
        _requireNotPaused();
        Publisher memory publisher = _publisher(date); // the caller's institution first
        _requireDate(date);
        uint256 size = records.length;
        if (size == 0) revert DistributionEmptyBatch();
        if (size > MAX_NAVS) revert DistributionBatchTooLarge(size, MAX_NAVS);
        bytes32[] memory leaves = new bytes32[](size);
        for (uint256 i = 0; i < size; ++i) {
            leaves[i] = _publishNav(records[i], publisher);
        }
        bytes32 root = _merkleRoot(leaves);
        batchId = ++_batchCount;
        _roots[batchId] = root;
        emit NavsPublished(batchId, date, root, publisher.lei, records);
    }

    /// @inheritdoc IDistributionRegistry
    function checkNavs(address caller, uint32 date, uint256[] calldata records)
        external
        view
        returns (uint8[] memory problems)
    {
        _requireDate(date);
        if (records.length > MAX_NAVS) revert DistributionBatchTooLarge(records.length, MAX_NAVS);
        bytes20 lei = _participants.institutionOf(caller);
        uint32 managerId = lei == bytes20(0) ? 0 : _managerIds[lei];
        problems = new uint8[](records.length);
        for (uint256 i = 0; i < records.length; ++i) {
            problems[i] = _navProblem(records[i], date, lei, managerId);
        }
    }

    /// @inheritdoc IDistributionRegistry
    function confirmNavs(uint256[] calldata entries) external {
        _requireNotPaused();
        if (entries.length == 0) revert DistributionEmptyBatch();
        if (entries.length > MAX_NAVS) revert DistributionBatchTooLarge(entries.length, MAX_NAVS);
        bytes20 lei = _callerInstitution();
        for (uint256 i = 0; i < entries.length; ++i) {
            uint256 entry = entries[i];
            uint32 serial = uint32(entry);
            uint32 date = uint32(entry >> 32);
            uint40 nav = uint40(entry >> 64);
            if (_profiles[serial].trustee != lei) revert DistributionNotTrustee(lei, serial);
            FundState storage state = _states[serial];
            if (state.lastNavDate != date || state.lastNav != nav) {
                revert DistributionNavMismatch(serial, date, state.lastNavDate == date ? state.lastNav : 0, nav);
            }
            state.confirmed = true;
            emit NavConfirmed(serial, date, nav, lei);
        }
    }

    /// @inheritdoc IDistributionRegistry
    function correctNavs(NavCorrection[] calldata corrections) external {
        _requireNotPaused();
        if (corrections.length == 0) revert DistributionEmptyBatch();
        if (corrections.length > MAX_CORRECTIONS) revert DistributionBatchTooLarge(corrections.length, MAX_CORRECTIONS);
        bytes20 lei = _callerInstitution();
        uint32 managerId = _managerIds[lei];
        for (uint256 i = 0; i < corrections.length; ++i) {
            _correct(corrections[i], lei, managerId);
        }
    }

    /// @inheritdoc IDistributionRegistry
    function fundState(uint32 serial) external view returns (FundState memory) {
        return _states[serial];
    }

    /// @inheritdoc IDistributionRegistry
    function fundProfile(uint32 serial) external view returns (FundProfile memory) {
        return _profiles[serial];
    }

    /// @inheritdoc IDistributionRegistry
    function calendarMarkets(uint16 calendarId) external view returns (bytes4[] memory) {
        return _calendarMarkets[calendarId];
    }

    /// @inheritdoc IDistributionRegistry
    function isNavDay(uint32 serial, uint32 date) public view returns (bool) {
        _requireDate(date);
        uint16 calendarId = _states[serial].calendarId;
        if (calendarId == 0) revert DistributionUnknownFund(serial);
        return _isNavDay(calendarId, date);
    }

    /// @inheritdoc IDistributionRegistry
    function isClosingDate(uint32 serial, uint32 date) external view returns (bool) {
        _requireDate(date);
        uint16 calendarId = _states[serial].calendarId;
        if (calendarId == 0) revert DistributionUnknownFund(serial);
        FundProfile storage profile = _profiles[serial];
        uint256 day = Dates.toDays(date);
        // The closing date of this month or of the month before may have moved onto `date`.
        for (uint256 back = 0; back <= 1; ++back) {
            uint32 year = date / 10000;
            uint32 month = (date / 100) % 100;
            if (back == 1) (year, month) = month == 1 ? (year - 1, uint32(12)) : (year, month - 1);
            if (profile.closingMonths & (1 << (month - 1)) == 0) continue;
            uint256 nominal = Dates.toDays(year * 10000 + month * 100 + _closingDayOf(year, month, profile.closingDay));
            if (nominal > day) continue;
            uint256 shifted = nominal;
            while (!_isNavDay(calendarId, Dates.fromDays(shifted)) && shifted - nominal < MAX_CLOSING_SHIFT) ++shifted;
            if (shifted == day) return true;
        }
        return false;
    }

    /// @inheritdoc IDistributionRegistry
    function canPublish(uint32 serial, bytes20 lei) external view returns (bool) {
        uint32 managerId = _states[serial].managerId;
        return lei != bytes20(0) && managerId != 0 && (_managerIds[lei] == managerId || _isDelegate(serial, lei));
    }

    /// @inheritdoc IDistributionRegistry
    function batchRoot(uint256 batchId) external view returns (bytes32) {
        return _roots[batchId];
    }

    /// @inheritdoc IDistributionRegistry
    function isCurrentNav(NavRecord calldata record, uint256 batchId, bytes32[] calldata proof)
        public
        view
        returns (bool)
    {
        bytes32 leaf = navLeaf(record);
        bytes32 corrected = _corrected[record.serial][record.date];
        if (corrected != bytes32(0)) return corrected == leaf;
        bytes32 root = _roots[batchId];
        return record.version == 1 && root != bytes32(0) && MerkleProof.verifyCalldata(proof, root, leaf);
    }

    /// @inheritdoc IDistributionRegistry
    function navLeaf(NavRecord calldata record) public pure returns (bytes32) {
        return _leaf(record.serial, record.date, record.nav, record.netAssets, record.units, record.version);
    }

    /// @dev Who publishes a batch, and which NAV calendars were asked about its date (bit id of
    /// `asked`) with which answer (bit id of `navDays`).
    struct Publisher {
        uint32 date;
        bytes20 lei;
        uint32 managerId;
        uint256[256] asked;
        uint256[256] navDays;
    }

    function _publisher(uint32 date) private view returns (Publisher memory publisher) {
        publisher.date = date;
        publisher.lei = _callerInstitution();
        publisher.managerId = _managerIds[publisher.lei];
    }

    /// @dev Works on the fund's storage slot directly: a memory copy per record would grow
    /// memory, whose cost is quadratic, with the batch.
    function _publishNav(uint256 record, Publisher memory publisher) private returns (bytes32) {
        uint32 serial = uint32(record);
        uint32 date = publisher.date;
        FundState storage state = _states[serial];
        uint16 calendarId = state.calendarId;
        if (calendarId == 0) revert DistributionUnknownFund(serial);
        if (state.managerId != publisher.managerId && !_isDelegate(serial, publisher.lei)) {
            revert DistributionNotPublisher(publisher.lei, serial);
        }
        _requireOpen(state, serial, date);
        if (date <= state.lastNavDate) revert DistributionNavOutOfOrder(serial, date, state.lastNavDate);
        if (!_navDayCached(calendarId, publisher)) revert DistributionNotNavDay(serial, date);
        uint40 nav = uint40(record >> 32);
        if (nav == 0) revert DistributionInvalidNav(serial, date);
        if (record & _JUMP_CONFIRMED == 0) _requireNoJump(state, serial, date, nav);
        state.lastNavDate = date;
        state.lastNav = nav;
        state.confirmed = false;
        return _leaf(serial, date, nav, uint64(record >> 72), uint64(record >> 136), 1);
    }

    function _navProblem(uint256 record, uint32 date, bytes20 lei, uint32 managerId) private view returns (uint8) {
        uint32 serial = uint32(record);
        FundState storage state = _states[serial];
        if (state.calendarId == 0) return 1;
        if (lei == bytes20(0) || (state.managerId != managerId && !_isDelegate(serial, lei))) return 2;
        IFundRegistry.FundStatus status = state.status;
        if (status < IFundRegistry.FundStatus.Established || status > IFundRegistry.FundStatus.Redeeming) return 3;
        if (date < state.establishmentDate || (state.redemptionDate != 0 && date > state.redemptionDate)) return 4;
        if (date <= state.lastNavDate) return 5;
        if (!_isNavDay(state.calendarId, date)) return 6;
        uint256 nav = uint40(record >> 32);
        if (nav == 0) return 7;
        uint256 previous = state.lastNav;
        if (record & _JUMP_CONFIRMED == 0 && previous != 0) {
            uint256 move = nav > previous ? nav - previous : previous - nav;
            uint256 threshold = state.thresholdBps == 0 ? DEFAULT_THRESHOLD_BPS : state.thresholdBps;
            if (move * 10_000 > previous * threshold) return 8;
        }
        return 0;
    }

    function _correct(NavCorrection calldata c, bytes20 lei, uint32 managerId) private {
        NavRecord calldata previous = c.previous;
        uint32 serial = previous.serial;
        uint32 date = previous.date;
        FundState storage state = _states[serial];
        if (state.calendarId == 0) revert DistributionUnknownFund(serial);
        if (state.managerId != managerId && !_isDelegate(serial, lei)) revert DistributionNotPublisher(lei, serial);
        if (!isCurrentNav(previous, c.batchId, c.proof)) revert DistributionNotCurrent(serial, date, previous.version);
        if (bytes(c.reason).length == 0) revert DistributionReasonRequired(serial, date);
        if (c.nav == 0) revert DistributionInvalidNav(serial, date);
        if (c.nav == previous.nav && c.netAssets == previous.netAssets && c.units == previous.units) {
            revert DistributionUnchanged(serial, date);
        }
        NavRecord memory current = NavRecord({
            serial: serial,
            date: date,
            nav: c.nav,
            netAssets: c.netAssets,
            units: c.units,
            version: previous.version + 1
        });
        _corrected[serial][date] = _leaf(serial, date, c.nav, c.netAssets, c.units, current.version);
        if (state.lastNavDate == date) {
            state.lastNav = c.nav;
            state.confirmed = false;
        }
        emit NavCorrected(serial, date, previous, current, c.reason, lei);
    }

    function _sync(uint32 serial, IFundRegistry.Fund memory fund) private {
        FundState storage state = _states[serial];
        state.status = fund.status;
        state.establishmentDate = fund.establishmentDate;
        state.redemptionDate = fund.redemptionDate;
        _profiles[serial].trustee = fund.trustee;
        emit FundStateSynced(serial, fund.status, fund.establishmentDate, fund.redemptionDate);
    }

    function _managedFund(bytes32 fundCode, bytes20 caller)
        private
        view
        returns (uint32 serial, IFundRegistry.Fund memory fund)
    {
        serial = _serialOf(fundCode);
        fund = _fundRegistry.getFund(fundCode);
        if (caller != fund.assetManager || fund.assetManager == bytes20(0)) {
            revert DistributionNotFundManager(msg.sender, fundCode);
        }
    }

    function _calendarIdOf(bytes32 fundCode, bytes4[] calldata markets) private returns (uint16 id) {
        bytes4[] memory chosen = markets;
        if (chosen.length == 0) {
            chosen = new bytes4[](1);
            chosen[0] = TOKYO;
        }
        for (uint256 i = 0; i < chosen.length; ++i) {
            if (chosen[i] == bytes4(0)) revert DistributionEmptyNavMarket(fundCode, i);
        }
        bytes32 key = keccak256(abi.encode(chosen));
        id = _calendarIds[key];
        if (id != 0) return id;
        id = ++_calendarCount;
        _calendarIds[key] = id;
        for (uint256 i = 0; i < chosen.length; ++i) {
            _calendarMarkets[id].push(chosen[i]);
        }
    }

    /// @dev Whether `lei` holds the fund's asset manager's DistributionDelegate mandate for the
    /// fund (or all its funds), in force now with both institutions active.
    function _isDelegate(uint32 serial, bytes20 lei) private view returns (bool) {
        return _mandates.isMandated(
            _profiles[serial].manager, lei, IMandates.Scope.DistributionDelegate, FundCode.format(serial)
        );
    }

    function _callerInstitution() private view returns (bytes20 lei) {
        lei = _participants.institutionOf(msg.sender);
        if (lei == bytes20(0)) revert DistributionNotInstitution(msg.sender);
        (, IParticipantRegistry.InstitutionStatus status) = _participants.statusOf(lei);
        if (status != IParticipantRegistry.InstitutionStatus.Active) revert DistributionNotInstitution(msg.sender);
    }

    function _requireOpen(FundState storage state, uint32 serial, uint32 date) private view {
        IFundRegistry.FundStatus status = state.status;
        if (status < IFundRegistry.FundStatus.Established || status > IFundRegistry.FundStatus.Redeeming) {
            revert DistributionFundNotOpen(serial, status);
        }
        if (date < state.establishmentDate || (state.redemptionDate != 0 && date > state.redemptionDate)) {
            revert DistributionOutsideFundLife(serial, date);
        }
    }

    function _requireNoJump(FundState storage state, uint32 serial, uint32 date, uint40 nav) private view {
        uint256 previous = state.lastNav;
        if (previous == 0) return;
        uint256 move = nav > previous ? nav - previous : previous - nav;
        uint256 threshold = state.thresholdBps == 0 ? DEFAULT_THRESHOLD_BPS : state.thresholdBps;
        if (move * 10_000 > previous * threshold) {
            revert DistributionNavJumpUnconfirmed(serial, date, uint40(previous), nav);
        }
    }

    function _navDayCached(uint16 id, Publisher memory publisher) private view returns (bool) {
        uint256 word = id >> 8;
        uint256 bit = 1 << (id & 0xFF);
        if (publisher.asked[word] & bit == 0) {
            publisher.asked[word] |= bit;
            if (_isNavDay(id, publisher.date)) publisher.navDays[word] |= bit;
        }
        return publisher.navDays[word] & bit != 0;
    }

    function _isNavDay(uint16 calendarId, uint32 date) private view returns (bool) {
        bytes4[] storage markets = _calendarMarkets[calendarId];
        for (uint256 i = 0; i < markets.length; ++i) {
            if (!_calendar.isBusinessDay(markets[i], date)) return false;
        }
        return true;
    }

    function _closingDayOf(uint32 year, uint32 month, uint8 day) private pure returns (uint32) {
        uint32 last = 31;
        if (month == 4 || month == 6 || month == 9 || month == 11) last = 30;
        if (month == 2) last = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28;
        return day > last ? last : day;
    }

    function _serialOf(bytes32 fundCode) private pure returns (uint32) {
        uint256 serial = FundCode.serialOf(fundCode);
        if (serial == 0) revert DistributionUnknownFund(0);
        return uint32(serial);
    }

    function _requireDate(uint32 date) private pure {
        if (!Dates.isValid(date) || date < 19700201 || Dates.fromDays(Dates.toDays(date)) != date) {
            revert DistributionInvalidDate(date);
        }
    }

    /// @dev keccak256(keccak256(abi.encode(serial, date, nav, netAssets, units, version))), hashed
    /// in scratch memory past the free pointer so a batch of thousands allocates nothing.
    function _leaf(uint32 serial, uint32 date, uint40 nav, uint64 netAssets, uint64 units, uint32 version)
        private
        pure
        returns (bytes32 leaf)
    {
        assembly ("memory-safe") {
            let p := mload(0x40)
            // Values narrower than 256 bits may carry dirty high bits in assembly: mask them.
            mstore(p, and(serial, 0xffffffff))
            mstore(add(p, 0x20), and(date, 0xffffffff))
            mstore(add(p, 0x40), and(nav, 0xffffffffff))
            mstore(add(p, 0x60), and(netAssets, 0xffffffffffffffff))
            mstore(add(p, 0x80), and(units, 0xffffffffffffffff))
            mstore(add(p, 0xa0), and(version, 0xffffffff))
            mstore(0x00, keccak256(p, 0xc0))
            leaf := keccak256(0x00, 0x20)
        }
    }

    /// @dev The root of `nodes` (overwritten): pairs hashed in order with OpenZeppelin's
    /// commutative keccak256, an odd last node carried up, as {MerkleProof} verifies.
    function _merkleRoot(bytes32[] memory nodes) private pure returns (bytes32) {
        uint256 count = nodes.length;
        while (count > 1) {
            uint256 half = count / 2;
            for (uint256 i = 0; i < half; ++i) {
                nodes[i] = Hashes.commutativeKeccak256(nodes[2 * i], nodes[2 * i + 1]);
            }
            if (count % 2 == 1) {
                nodes[half] = nodes[count - 1];
                count = half + 1;
            } else {
                count = half;
            }
        }
        return nodes[0];
    }
}
