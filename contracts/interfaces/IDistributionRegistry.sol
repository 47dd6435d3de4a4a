// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IFundRegistry} from "./IFundRegistry.sol";

/// @title Investment-trust distribution data: fund profiles and daily NAVs (use case 2)
/// @notice A fund enters distribution when its asset manager sets its profile: the NAV calendar
/// (markets whose common business days are NAV days, Tokyo by default), the markets whose
/// holidays make non-application days, the fiscal closing rule and the NAV-move threshold. The
/// asset manager, or a delegate under its DistributionDelegate mandate ({IMandates}) for the fund
/// or for all its funds, publishes one day's NAVs for
/// many funds in one call; the rules are checked per fund against one storage slot that holds
/// what they need (status and dates kept current by the FundRegistry, the last NAV). The NAV
/// records travel in the event and are committed by the batch's Merkle root, so any record can be
/// proven later; the trustee confirms a NAV it computed independently; a correction is a new
/// version that names the replaced values and the reason.
interface IDistributionRegistry {
    /// @notice A fund's profile as its asset manager sets it.
    struct ProfileInput {
        bytes4[] navMarkets;
        bytes4[] holidayMarkets;
        uint16 closingMonths;
        uint8 closingDay;
        uint16 thresholdBps;
    }

    /// @notice What the NAV rules need of a fund (one slot).
    struct FundState {
        uint32 managerId;
        IFundRegistry.FundStatus status;
        uint32 establishmentDate;
        uint32 redemptionDate;
        uint16 calendarId;
        uint16 thresholdBps;
        uint32 lastNavDate;
        uint40 lastNav;
        bool confirmed;
    }

    /// @notice The rest of a fund's profile.
    struct FundProfile {
        bytes20 manager;
        bytes20 trustee;
        bytes12 holidayMarkets;
        uint16 closingMonths;
        uint8 closingDay;
    }

    /// @notice A NAV record as committed in a batch's Merkle tree (or the current version of it).
    struct NavRecord {
        uint32 serial;
        uint32 date;
        uint40 nav;
        uint64 netAssets;
        uint64 units;
        uint32 version;
    }

    /// @notice A correction: the record being replaced (with the proof that it is current:
    /// its batch and Merkle proof for an original, nothing for an earlier correction), the new
    /// values and the reason.
    struct NavCorrection {
        NavRecord previous;
        uint256 batchId;
        bytes32[] proof;
        uint40 nav;
        uint64 netAssets;
        uint64 units;
        string reason;
    }

    /// @notice The caller's institution is not the fund's asset manager.
    /// @param account The caller.
    /// @param fundCode The fund.
    error DistributionNotFundManager(address account, bytes32 fundCode);
    /// @notice The fund is not in distribution (no profile), or the code is no fund code (serial 0).
    /// @param serial The fund's serial number.
    error DistributionUnknownFund(uint32 serial);
    /// @notice A profile names more NAV markets than MAX_MARKETS.
    /// @param fundCode The fund.
    /// @param count The markets named.
    /// @param maxCount The most allowed.
    error DistributionTooManyNavMarkets(bytes32 fundCode, uint256 count, uint256 maxCount);
    /// @notice A profile names more holiday markets than MAX_MARKETS.
    /// @param fundCode The fund.
    /// @param count The markets named.
    /// @param maxCount The most allowed.
    error DistributionTooManyHolidayMarkets(bytes32 fundCode, uint256 count, uint256 maxCount);
    /// @notice A profile's NAV market is empty (zero).
    /// @param fundCode The fund.
    /// @param index Its position in the profile's NAV markets.
    error DistributionEmptyNavMarket(bytes32 fundCode, uint256 index);
    /// @notice A profile's holiday market is empty (zero).
    /// @param fundCode The fund.
    /// @param index Its position in the profile's holiday markets.
    error DistributionEmptyHolidayMarket(bytes32 fundCode, uint256 index);
    /// @notice A profile's closing months are none, or name a bit above December's.
    /// @param fundCode The fund.
    /// @param closingMonths The months given (bit m-1: month m).
    error DistributionInvalidClosingMonths(bytes32 fundCode, uint16 closingMonths);
    /// @notice A profile's closing day is not 1 to 31.
    /// @param fundCode The fund.
    /// @param closingDay The day given.
    error DistributionInvalidClosingDay(bytes32 fundCode, uint8 closingDay);
    /// @notice The caller's address acts for no institution, or for one that is not active.
    /// @param account The caller.
    error DistributionNotInstitution(address account);
    /// @notice The institution is neither the fund's asset manager nor its delegate under a
    /// DistributionDelegate mandate in force.
    /// @param lei The institution.
    /// @param serial The fund's serial number.
    error DistributionNotPublisher(bytes20 lei, uint32 serial);
    /// @notice A date that is no yyyymmdd day (from 1 February 1970).
    /// @param date The date given.
    error DistributionInvalidDate(uint32 date);
    /// @notice A batch holds nothing.
    error DistributionEmptyBatch();
    /// @notice A batch holds more than its most.
    /// @param size The batch's size.
    /// @param maxSize The most allowed.
    error DistributionBatchTooLarge(uint256 size, uint256 maxSize);
    /// @notice The fund is not open (established to redeeming).
    /// @param serial The fund's serial number.
    /// @param status Its status.
    error DistributionFundNotOpen(uint32 serial, IFundRegistry.FundStatus status);
    /// @notice The date is before the fund's establishment or after its redemption.
    /// @param serial The fund's serial number.
    /// @param date The date.
    error DistributionOutsideFundLife(uint32 serial, uint32 date);
    /// @notice The date is no NAV day of the fund.
    /// @param serial The fund's serial number.
    /// @param date The date.
    error DistributionNotNavDay(uint32 serial, uint32 date);
    /// @notice The date is not after the fund's last NAV date.
    /// @param serial The fund's serial number.
    /// @param date The date.
    /// @param lastNavDate The last NAV date.
    error DistributionNavOutOfOrder(uint32 serial, uint32 date, uint32 lastNavDate);
    /// @notice A zero NAV.
    /// @param serial The fund's serial number.
    /// @param date The date.
    error DistributionInvalidNav(uint32 serial, uint32 date);
    /// @notice A NAV moves beyond the fund's threshold without the confirmation flag.
    /// @param serial The fund's serial number.
    /// @param date The date.
    /// @param previous The previous NAV.
    /// @param nav The NAV given.
    error DistributionNavJumpUnconfirmed(uint32 serial, uint32 date, uint40 previous, uint40 nav);
    /// @notice The caller's institution is not the fund's trustee.
    /// @param lei The institution.
    /// @param serial The fund's serial number.
    error DistributionNotTrustee(bytes20 lei, uint32 serial);
    /// @notice The trustee's NAV is not the one published (or not for the last NAV date).
    /// @param serial The fund's serial number.
    /// @param date The date.
    /// @param published The NAV published that day (0: none).
    /// @param offered The trustee's NAV.
    error DistributionNavMismatch(uint32 serial, uint32 date, uint40 published, uint40 offered);
    /// @notice The record to correct is not the current version.
    /// @param serial The fund's serial number.
    /// @param date The date.
    /// @param version The version given.
    error DistributionNotCurrent(uint32 serial, uint32 date, uint32 version);
    /// @notice A correction without a reason.
    /// @param serial The fund's serial number.
    /// @param date The date.
    error DistributionReasonRequired(uint32 serial, uint32 date);
    /// @notice A correction changes nothing.
    /// @param serial The fund's serial number.
    /// @param date The date.
    error DistributionUnchanged(uint32 serial, uint32 date);
    /// @notice Only the FundRegistry tells of fund changes.
    /// @param caller The caller.
    error DistributionOnlyFundRegistry(address caller);

    /// @notice A fund's profile was set (or changed) by its asset manager.
    /// @param fundCode The platform fund code.
    /// @param serial The fund's serial number.
    /// @param navMarkets The markets whose common business days are NAV days.
    /// @param holidayMarkets The markets whose holidays make non-application days.
    /// @param closingMonths The closing months (bit m-1: month m).
    /// @param closingDay The closing day (31: the month's end).
    /// @param thresholdBps The NAV-move threshold (0: the default).
    /// @param by The asset manager's address.
    event ProfileSet(
        bytes32 indexed fundCode,
        uint32 indexed serial,
        bytes4[] navMarkets,
        bytes4[] holidayMarkets,
        uint16 closingMonths,
        uint8 closingDay,
        uint16 thresholdBps,
        address by
    );
    /// @notice The copy of a fund's status and dates was brought in line with the FundRegistry.
    /// @param serial The fund's serial number.
    /// @param status Its status.
    /// @param establishmentDate Its establishment date.
    /// @param redemptionDate Its redemption date (0: none).
    event FundStateSynced(uint32 indexed serial, IFundRegistry.FundStatus status, uint32 establishmentDate, uint32 redemptionDate);
    /// @notice One day's NAVs: `records` packed as in {publishNavs}, committed by `root`.
    /// @param batchId The batch's number.
    /// @param date The NAV date.
    /// @param root The Merkle root of the records.
    /// @param publisher The publishing institution (the asset manager or a delegate).
    /// @param records The packed records.
    event NavsPublished(uint256 indexed batchId, uint32 indexed date, bytes32 root, bytes20 indexed publisher, uint256[] records);
    /// @notice The trustee confirmed a fund's NAV of a day.
    /// @param serial The fund's serial number.
    /// @param date The NAV date.
    /// @param nav The NAV confirmed.
    /// @param trustee The trustee.
    event NavConfirmed(uint32 indexed serial, uint32 indexed date, uint40 nav, bytes20 trustee);
    /// @notice A NAV record was replaced by a new version.
    /// @param serial The fund's serial number.
    /// @param date The NAV date.
    /// @param previous The record replaced.
    /// @param current The new version.
    /// @param reason Why.
    /// @param publisher The correcting institution (the asset manager or a delegate).
    event NavCorrected(
        uint32 indexed serial, uint32 indexed date, NavRecord previous, NavRecord current, string reason, bytes20 publisher
    );

    /// @notice Set funds' distribution profile (their asset manager); each fund's status and dates
    /// are copied from the FundRegistry.
    /// @param fundCodes At most MAX_PROFILES platform fund codes.
    /// @param profile The NAV calendar (1-3 MICs; empty: XTKS), holiday markets (0-3 MICs),
    /// closing months (bit m-1: month m) and day (1-31, 31: month end; a closing date that is no
    /// NAV day moves to the next one), and the NAV-move threshold in basis points (0: default).
    function setProfiles(bytes32[] calldata fundCodes, ProfileInput calldata profile) external;

    /// @notice Copy a fund's status and dates from the FundRegistry (any active institution; the
    /// registry also tells this contract of every change itself).
    /// @param fundCode The platform fund code.
    function syncFund(bytes32 fundCode) external;

    /// @notice Publish one day's NAVs (the asset manager or a delegate of each fund). Each record
    /// packs serial (bits 0-31), NAV per 10,000 units in yen (32-71), net assets in yen (72-135),
    /// units outstanding (136-199) and, in bit 200, the confirmation that a move beyond the
    /// fund's threshold is intended.
    /// @param date The NAV date, yyyymmdd: a business day of each fund's NAV calendar, within
    /// the fund's life, after its last NAV date.
    /// @param records At most MAX_NAVS records.
    /// @return batchId The batch's number, whose Merkle root commits the records.
    function publishNavs(uint32 date, uint256[] calldata records) external returns (uint256 batchId);

    /// @notice What {publishNavs} would refuse, record by record, without sending anything: 0
    /// accepted; 1 no profile; 2 the caller may not publish it; 3 the fund is not open; 4 the
    /// date is outside the fund's life; 5 not after the last NAV date;
    /// 6 no NAV day; 7 a zero NAV; 8 a move beyond the threshold without the flag.
    /// @param caller Who would publish.
    /// @param date The NAV date, yyyymmdd.
    /// @param records The packed records, as for {publishNavs}.
    /// @return problems A code per record.
    function checkNavs(address caller, uint32 date, uint256[] calldata records)
        external
        view
        returns (uint8[] memory problems);

    /// @notice Confirm funds' latest NAVs (the trustee): each entry packs serial (bits 0-31),
    /// date (32-63) and the NAV the trustee computed (64-103), which must equal the published one.
    /// @param entries At most MAX_NAVS entries.
    function confirmNavs(uint256[] calldata entries) external;

    /// @notice Replace NAV records by new versions (the asset manager or a delegate).
    /// @param corrections At most MAX_CORRECTIONS corrections.
    function correctNavs(NavCorrection[] calldata corrections) external;

    /// @notice Told by the FundRegistry of every definitive fund change.
    /// @param fundCode The platform fund code.
    /// @param fund The record as it now stands.
    function onFundChanged(bytes32 fundCode, IFundRegistry.Fund calldata fund) external;

    /// @notice What the NAV rules hold for a fund.
    /// @param serial The fund's serial number.
    /// @return The state (calendarId 0: no profile).
    function fundState(uint32 serial) external view returns (FundState memory);

    /// @notice The rest of a fund's profile.
    /// @param serial The fund's serial number.
    /// @return The profile.
    function fundProfile(uint32 serial) external view returns (FundProfile memory);

    /// @notice The markets of a NAV calendar.
    /// @param calendarId The calendar's id.
    /// @return The MICs whose common business days are NAV days.
    function calendarMarkets(uint16 calendarId) external view returns (bytes4[] memory);

    /// @notice Whether a day is a NAV day of a fund (a business day of each of its NAV markets).
    /// @param serial The fund's serial number.
    /// @param date The day, yyyymmdd.
    /// @return True when it is.
    function isNavDay(uint32 serial, uint32 date) external view returns (bool);

    /// @notice Whether a day is a fiscal closing date of a fund.
    /// @param serial The fund's serial number.
    /// @param date The day, yyyymmdd.
    /// @return True when it is.
    function isClosingDate(uint32 serial, uint32 date) external view returns (bool);

    /// @notice Whether an institution may publish a fund's data: its asset manager, or a delegate
    /// under the manager's DistributionDelegate mandate in force for the fund or all its funds.
    /// @param serial The fund's serial number.
    /// @param lei The institution's LEI.
    /// @return True when it may.
    function canPublish(uint32 serial, bytes20 lei) external view returns (bool);

    /// @notice The Merkle root of a NAV batch.
    /// @param batchId The batch's number.
    /// @return The root (zero when unknown).
    function batchRoot(uint256 batchId) external view returns (bytes32);

    /// @notice Whether a NAV record is the current version of its fund and date.
    /// @param record The record.
    /// @param batchId The batch of an original (version 1) record.
    /// @param proof Its Merkle proof (unused for a corrected record).
    /// @return True when it is current.
    function isCurrentNav(NavRecord calldata record, uint256 batchId, bytes32[] calldata proof)
        external
        view
        returns (bool);

    /// @notice The leaf of a NAV record in a batch's Merkle tree.
    /// @param record The record.
    /// @return The leaf: keccak256 of keccak256 of its ABI encoding.
    function navLeaf(NavRecord calldata record) external pure returns (bytes32);
}
