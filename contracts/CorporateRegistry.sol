// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IConfidential} from "./interfaces/IConfidential.sol";
import {ICorporateRegistry} from "./interfaces/ICorporateRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {Dates} from "./libraries/Dates.sol";
import {Roles} from "./libraries/Roles.sol";
import {PlatformControlled} from "./PlatformControlled.sol";

/// @title CorporateRegistry
/// @notice Basic corporate information per institution; see {ICorporateRegistry}.
contract CorporateRegistry is PlatformControlled, ICorporateRegistry {
    /// @notice Most entries one {publishCorporateInfo} call takes.
    uint256 public constant MAX_BATCH = 64;
    /// @notice Most recipients of one sealed payload, and most KYC documents of one entry.
    uint256 public constant MAX_ITEMS = 32;
    /// @notice Highest AML/CFT status (1 not reviewed, 2 under review, 3 cleared, 4 escalated).
    uint8 public constant MAX_AML_STATUS = 4;
    /// @notice Highest FATCA status (see bpost_client.corporate.FatcaStatus).
    uint8 public constant MAX_FATCA_STATUS = 7;
    /// @notice Highest CRS status (1 financial institution, 2 active NFE, 3 passive NFE).
    uint8 public constant MAX_CRS_STATUS = 3;

    IParticipantRegistry private immutable _participants;
    mapping(bytes20 lei => CorporateState) private _states;

    /// @param access_ The deployed PlatformAccess.
    /// @param participants_ The deployed ParticipantRegistry.
    constructor(IPlatformAccess access_, IParticipantRegistry participants_) PlatformControlled(access_) {
        _participants = participants_;
    }

    /// @inheritdoc ICorporateRegistry
    function publishCorporateInfo(CorporateInput[] calldata inputs) external {
        _requireNotPaused();
        if (inputs.length > MAX_BATCH) revert CorporateRegistryBatchTooLarge(inputs.length, MAX_BATCH);
        bytes20 own = _participants.isActiveOperator(msg.sender) ? _participants.institutionOf(msg.sender) : bytes20(0);
        bool operator = _hasPlatformRole(Roles.OPERATOR, msg.sender);
        for (uint256 i = 0; i < inputs.length; ++i) {
            CorporateInput calldata input = inputs[i];
            if (input.lei != own && !operator) revert CorporateRegistryNotAllowed(msg.sender, input.lei);
            _publish(input);
        }
    }

    /// @inheritdoc ICorporateRegistry
    function getCorporateInfo(bytes20 lei) external view returns (CorporateState memory state) {
        state = _states[lei];
        if (state.version == 0) revert CorporateRegistryNotPublished(lei);
    }

    function _publish(CorporateInput calldata input) private {
        bytes20 lei = input.lei;
        (IParticipantRegistry.InstitutionType kind,) = _participants.statusOf(lei);
        if (kind == IParticipantRegistry.InstitutionType.None) revert CorporateRegistryUnknownInstitution(lei);
        CorporateInfo calldata info = input.info;
        _check(lei, info);
        IConfidential.Recipient[] calldata recipients = input.confidential.recipients;
        if (recipients.length > MAX_ITEMS) revert CorporateRegistryTooManyRecipients(lei, recipients.length, MAX_ITEMS);
        bool ownerIncluded = false;
        for (uint256 i = 0; i < recipients.length; ++i) {
            if (recipients[i].lei == lei) ownerIncluded = true;
        }
        if (!ownerIncluded) revert CorporateRegistryOwnerNotRecipient(lei);

        CorporateState storage state = _states[lei];
        uint32 version = state.version + 1;
        bytes32 infoHash = keccak256(abi.encode(info));
        state.version = version;
        state.amlStatus = info.amlStatus;
        state.nextReviewDate = info.nextReviewDate;
        state.leiRenewalDate = info.leiRenewalDate;
        state.infoHash = infoHash;
        state.commitment = input.confidential.commitment;
        emit CorporateInfoPublished(lei, version, info, infoHash, input.confidential);
    }

    function _check(bytes20 lei, CorporateInfo calldata info) private pure {
        if (bytes(info.registeredAddress).length == 0) revert CorporateRegistryEmptyAddress(lei);
        uint8 aml = info.amlStatus;
        if (aml == 0 || aml > MAX_AML_STATUS) revert CorporateRegistryInvalidAmlStatus(lei, aml);
        uint8 fatca = info.fatcaStatus;
        if (fatca == 0 || fatca > MAX_FATCA_STATUS) revert CorporateRegistryInvalidFatcaStatus(lei, fatca);
        uint8 crs = info.crsStatus;
        if (crs == 0 || crs > MAX_CRS_STATUS) revert CorporateRegistryInvalidCrsStatus(lei, crs);
        if (!Dates.isValid(info.nextReviewDate)) revert CorporateRegistryInvalidReviewDate(lei, info.nextReviewDate);
        if (!Dates.isValid(info.leiRenewalDate)) {
            revert CorporateRegistryInvalidLeiRenewalDate(lei, info.leiRenewalDate);
        }
        uint256 documents = info.kycDocumentHashes.length;
        if (documents > MAX_ITEMS) revert CorporateRegistryTooManyDocuments(lei, documents, MAX_ITEMS);
        if (info.giin != bytes19(0) && !_giinValid(info.giin)) revert CorporateRegistryInvalidGiin(info.giin);
    }

    /// @dev GIIN format: six letters or digits, '.', five, '.', two, '.', three.
    function _giinValid(bytes19 giin) private pure returns (bool) {
        for (uint256 i = 0; i < 19; ++i) {
            uint8 c = uint8(giin[i]);
            bool dot = i == 6 || i == 12 || i == 15;
            bool alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A);
            if (dot ? c != 0x2E : !alnum) return false;
        }
        return true;
    }
}
