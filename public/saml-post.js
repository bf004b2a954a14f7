// HTTP-POST binding: send the SAML answer on to the webdienst; without JavaScript the citizen presses the button.
document.getElementById('saml-post').submit();
