// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IConfidential} from "./interfaces/IConfidential.sol";
import {ILendingAgreements} from "./interfaces/ILendingAgreements.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {Dates} from "./libraries/Dates.sol";
import {PlatformControlled} from "./PlatformControlled.sol";
import {Recipients} from "./libraries/Recipients.sol";

/// @title LendingAgreements
/// @notice Lending agreements with sealed, versioned terms and movements; see {ILendingAgreements}.
contract LendingAgreements is PlatformControlled, ILendingAgreements {
    /// @notice Most recipients a sealed payload may name.
    uint256 public constant MAX_RECIPIENTS = 8;

    IParticipantRegistry private immutable _participants;
    mapping(bytes32 agreementId => Agreement) private _agreements;
    mapping(bytes32 agreementId => mapping(uint32 version => TermsVersion)) private _terms;
    mapping(bytes32 agreementId => mapping(uint32 version => bytes32 commitment)) private _movements;
    mapping(bytes32 agreementId => mapping(uint32 version => bool consented)) private _consented;

    /// @param access_ The deployed PlatformAccess.
    /// @param participants_ The deployed ParticipantRegistry.
    constructor(IPlatformAccess access_, IParticipantRegistry participants_) PlatformControlled(access_) {
        _participants = participants_;
    }

    /// @inheritdoc ILendingAgreements
    function propose(
        bytes32 agreementId,
        bytes20 lender,
        bytes20 borrower,
        uint32 effectiveFrom,
        IConfidential.Sealed calldata terms
    ) external {
        _requireNotPaused();
        (bytes20 caller, IParticipantRegistry.InstitutionType kind) = _caller();
        if (agreementId == bytes32(0)) revert LendingAgreementsInvalid(agreementId, "agreementId");
        if (lender == borrower || lender == bytes20(0) || borrower == bytes20(0)) {
            revert LendingAgreementsInvalid(agreementId, "parties");
        }
        _requireInstitution(agreementId, borrower);
        (IParticipantRegistry.InstitutionType lenderKind,) = _participants.statusOf(lender);
        if (lenderKind == IParticipantRegistry.InstitutionType.None) {
            revert LendingAgreementsUnknownLender(agreementId, lender);
        }
        if (caller == borrower) revert LendingAgreementsAgentIsBorrower(agreementId, caller);
        Agreement storage agreement = _agreements[agreementId];
        if (agreement.status != Status.None && (agreement.lender != lender || agreement.borrower != borrower)) {
            revert LendingAgreementsInvalid(agreementId, "parties");
        }
        bool agent = caller != lender;
        if (agent && kind != IParticipantRegistry.InstitutionType.LendingAgent) {
            revert LendingAgreementsNotParty(caller, agreementId);
        }
        if (agent && agreement.status != Status.None && agreement.agent != caller) {
            revert LendingAgreementsNotParty(caller, agreementId);
        }
        uint32 previous = agreement.version;
        if (!Dates.isValid(effectiveFrom) || effectiveFrom < _terms[agreementId][previous].effectiveFrom) {
            revert LendingAgreementsInvalid(agreementId, "effectiveFrom");
        }
        _checkSealed(agreementId, terms, lender, borrower, agent ? caller : bytes20(0));
        uint32 version = previous + 1;
        agreement.lender = lender;
        agreement.borrower = borrower;
        if (agreement.status == Status.None) agreement.agent = agent ? caller : bytes20(0);
        agreement.status = Status.Proposed;
        agreement.version = version;
        agreement.termsCommitment = terms.commitment;
        _terms[agreementId][version] = TermsVersion(terms.commitment, effectiveFrom, false);
        if (!agent) _consented[agreementId][version] = true;
        emit AgreementProposed(agreementId, lender, borrower, agreement.agent, version, effectiveFrom, terms);
    }

    /// @inheritdoc ILendingAgreements
    function acknowledge(bytes32 agreementId, uint32 version) external {
        _requireNotPaused();
        (bytes20 caller,) = _caller();
        Agreement storage agreement = _existing(agreementId);
        if (caller != agreement.borrower) revert LendingAgreementsNotParty(caller, agreementId);
        if (agreement.status != Status.Proposed) revert LendingAgreementsWrongState(agreementId, agreement.status);
        if (version != agreement.version) revert LendingAgreementsStaleVersion(agreementId, version, agreement.version);
        if (!_consented[agreementId][version]) {
            revert LendingAgreementsConsentMissing(agreementId, version, agreement.lender);
        }
        agreement.status = Status.Acknowledged;
        agreement.acknowledgedVersion = version;
        _terms[agreementId][version].acknowledged = true;
        emit AgreementAcknowledged(agreementId, caller, version);
    }

    /// @inheritdoc ILendingAgreements
    function consent(bytes32 agreementId, uint32 version) external {
        _requireNotPaused();
        (bytes20 caller,) = _caller();
        Agreement storage agreement = _existing(agreementId);
        if (caller != agreement.lender || _consented[agreementId][version]) {
            revert LendingAgreementsNotConsentable(agreementId, version, caller);
        }
        if (agreement.status != Status.Proposed) revert LendingAgreementsWrongState(agreementId, agreement.status);
        if (version != agreement.version) revert LendingAgreementsStaleVersion(agreementId, version, agreement.version);
        _consented[agreementId][version] = true;
        emit AgreementConsented(agreementId, caller, version);
    }

    /// @inheritdoc ILendingAgreements
    function isConsented(bytes32 agreementId, uint32 version) external view returns (bool) {
        _existing(agreementId);
        return _consented[agreementId][version];
    }

    /// @inheritdoc ILendingAgreements
    function recordMovements(bytes32 agreementId, IConfidential.Sealed calldata movements) external {
        _requireNotPaused();
        (bytes20 caller,) = _caller();
        Agreement storage agreement = _existing(agreementId);
        if (caller != agreement.lender && caller != agreement.agent) {
            revert LendingAgreementsNotParty(caller, agreementId);
        }
        if (agreement.acknowledgedVersion == 0) revert LendingAgreementsWrongState(agreementId, agreement.status);
        _checkSealed(agreementId, movements, agreement.lender, agreement.borrower, agreement.agent);
        uint32 version = agreement.movementsVersion + 1;
        agreement.movementsVersion = version;
        _movements[agreementId][version] = movements.commitment;
        emit MovementsRecorded(agreementId, version, movements, caller);
    }

    /// @inheritdoc ILendingAgreements
    /// @dev Reverts with {LendingAgreementsStaleVersion} for any version but the latest recorded
    /// one, and with `LendingAgreementsInvalid(agreementId, "version")` when it is already confirmed.
    function confirmMovements(bytes32 agreementId, uint32 version) external {
        _requireNotPaused();
        (bytes20 caller,) = _caller();
        Agreement storage agreement = _existing(agreementId);
        if (caller != agreement.borrower) revert LendingAgreementsNotParty(caller, agreementId);
        uint32 latest = agreement.movementsVersion;
        if (version == 0 || version != latest) revert LendingAgreementsStaleVersion(agreementId, version, latest);
        if (version == agreement.confirmedMovementsVersion) revert LendingAgreementsInvalid(agreementId, "version");
        agreement.confirmedMovementsVersion = version;
        agreement.movementsCommitment = _movements[agreementId][version];
        emit MovementsConfirmed(agreementId, caller, version);
    }

    /// @inheritdoc ILendingAgreements
    function getTermsVersion(bytes32 agreementId, uint32 version) external view returns (TermsVersion memory) {
        Agreement storage agreement = _existing(agreementId);
        if (version == 0 || version > agreement.version) revert LendingAgreementsInvalid(agreementId, "version");
        return _terms[agreementId][version];
    }

    /// @inheritdoc ILendingAgreements
    function getAgreement(bytes32 agreementId) external view returns (Agreement memory) {
        return _existing(agreementId);
    }

    function _existing(bytes32 agreementId) private view returns (Agreement storage agreement) {
        agreement = _agreements[agreementId];
        if (agreement.status == Status.None) revert LendingAgreementsUnknown(agreementId);
    }

    function _caller() private view returns (bytes20 lei, IParticipantRegistry.InstitutionType kind) {
        lei = _participants.institutionOf(msg.sender);
        IParticipantRegistry.InstitutionStatus status;
        (kind, status) = _participants.statusOf(lei);
        if (lei == bytes20(0) || status != IParticipantRegistry.InstitutionStatus.Active) {
            revert LendingAgreementsNotInstitution(msg.sender);
        }
    }

    function _requireInstitution(bytes32 agreementId, bytes20 lei) private view {
        (IParticipantRegistry.InstitutionType kind,) = _participants.statusOf(lei);
        if (kind == IParticipantRegistry.InstitutionType.None) revert LendingAgreementsInvalid(agreementId, "parties");
    }

    /// @dev A sealed payload names every party among its recipients, and commits to something.
    function _checkSealed(
        bytes32 agreementId,
        IConfidential.Sealed calldata payload,
        bytes20 lender,
        bytes20 borrower,
        bytes20 agent
    ) private pure {
        if (payload.commitment == bytes32(0)) revert LendingAgreementsInvalid(agreementId, "commitment");
        uint256 count = payload.recipients.length;
        if (count > MAX_RECIPIENTS) revert LendingAgreementsInvalid(agreementId, "recipients");
        bytes20 missing = Recipients.firstMissing(payload, lender, borrower, agent);
        if (missing != bytes20(0)) revert LendingAgreementsRecipientMissing(agreementId, missing);
    }
}
