// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Roles
/// @notice The role identifiers of B-POST, shared by every contract. The Python client mirrors
/// them in `bpost_client.types.Role`, checked by a test.
library Roles {
    bytes32 internal constant OPERATOR = keccak256("OPERATOR_ROLE");
    bytes32 internal constant CODE_REGISTRAR = keccak256("CODE_REGISTRAR_ROLE");
    bytes32 internal constant ASSET_MANAGER = keccak256("ASSET_MANAGER_ROLE");
    bytes32 internal constant TRUSTEE = keccak256("TRUSTEE_ROLE");
    bytes32 internal constant DISTRIBUTOR = keccak256("DISTRIBUTOR_ROLE");
    bytes32 internal constant SECURITIES_COMPANY = keccak256("SECURITIES_COMPANY_ROLE");
    bytes32 internal constant CUSTODIAN = keccak256("CUSTODIAN_ROLE");
    bytes32 internal constant LENDING_AGENT = keccak256("LENDING_AGENT_ROLE");
    bytes32 internal constant DATA_PROVIDER = keccak256("DATA_PROVIDER_ROLE");
    bytes32 internal constant OBSERVER = keccak256("OBSERVER_ROLE");
    bytes32 internal constant GUARDIAN = keccak256("GUARDIAN_ROLE");
}
